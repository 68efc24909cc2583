package org.medshare.enclave.stats;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Which values of a closed set a hospital allows a query over its records to use: {@link #any() any}, or {@link
 * #only only} those of a set, which after {@link #and combining} several hospitals' may be empty (then nothing is
 * allowed). Immutable, with value equality.
 *
 * @param <E> the values
 */
public final class Allowed<E extends Enum<E>> {

    private static final Allowed<?> ANY = new Allowed<>(null);

    private final Set<E> only;

    private Allowed(Set<E> only) {
        this.only = only;
    }

    /** Every value, including any added later. */
    @SuppressWarnings("unchecked")
    public static <E extends Enum<E>> Allowed<E> any() {
        return (Allowed<E>) ANY;
    }

    /**
     * Exactly {@code values} (none if empty).
     *
     * @throws NullPointerException for a null value
     */
    public static <E extends Enum<E>> Allowed<E> only(Collection<E> values) {
        values.forEach(v -> Objects.requireNonNull(v, "allowed value"));
        Set<E> copy = values.isEmpty() ? Set.of() : EnumSet.copyOf(values);
        return new Allowed<>(Collections.unmodifiableSet(copy));
    }

    /** A hospital's own list: {@link #any()} if {@code values} is empty, else {@link #only(Collection) only} them. */
    public static <E extends Enum<E>> Allowed<E> anyIfEmpty(Collection<E> values) {
        return values.isEmpty() ? any() : only(values);
    }

    /** Whether {@code value} is allowed. */
    public boolean allows(E value) {
        return only == null || only.contains(value);
    }

    /** Whether every value is allowed. */
    public boolean isAny() {
        return only == null;
    }

    /** Whether no value at all is allowed. */
    public boolean isNone() {
        return only != null && only.isEmpty();
    }

    /** The allowed values (unmodifiable), or empty if {@link #isAny() any} is. */
    public Optional<Set<E>> values() {
        return Optional.ofNullable(only);
    }

    /** What both allow: the intersection, where {@link #any()} is the neutral element. */
    public Allowed<E> and(Allowed<E> other) {
        if (only == null) {
            return other;
        }
        if (other.only == null || only.isEmpty()) {
            return this;
        }
        Set<E> both = EnumSet.copyOf(only);
        both.retainAll(other.only);
        return new Allowed<>(Collections.unmodifiableSet(both));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Allowed<?> a && Objects.equals(only, a.only);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(only);
    }

    @Override
    public String toString() {
        return only == null ? "any" : only.toString();
    }
}
