package org.medshare.enclave.stats;

import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One released group: its key (group-by dimension name to label), its values (name to number, e.g. {@code count},
 * {@code mean}, {@code bin[0003]}, {@code q[0.5]}, {@code beta[claim]}) and, for every value that carries
 * differential-privacy noise or is computed from noisy statistics, its accuracy under the same name ({@link
 * ValueAccuracy}; empty when the result has no noise). Suppressed groups are never listed; {@link
 * StatisticsResult#suppressedGroups()} counts them.
 */
public record GroupResult(
        SortedMap<String, String> key, SortedMap<String, Double> values, SortedMap<String, ValueAccuracy> accuracy) {
    public GroupResult {
        key = Collections.unmodifiableSortedMap(new TreeMap<>(key));
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
        accuracy = Collections.unmodifiableSortedMap(new TreeMap<>(accuracy));
        if (!values.keySet().containsAll(accuracy.keySet())) {
            throw new IllegalArgumentException("accuracy given for a value that is not released");
        }
    }

    /** A group without noise. */
    public GroupResult(SortedMap<String, String> key, SortedMap<String, Double> values) {
        this(key, values, new TreeMap<>());
    }

    /** The value named {@code name}; throws if absent. */
    public double value(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no value " + name);
        }
        return v;
    }

    /** The accuracy of the value named {@code name}, if it carries noise. */
    public Optional<ValueAccuracy> accuracyOf(String name) {
        return Optional.ofNullable(accuracy.get(name));
    }
}
