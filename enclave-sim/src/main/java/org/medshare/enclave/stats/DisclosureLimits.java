package org.medshare.enclave.stats;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The hospitals' own {@link HospitalDisclosure disclosure limits} for one query, by hospital number. A hospital without
 * an entry sets no limit of its own. Immutable.
 */
public final class DisclosureLimits {

    /** No hospital sets a limit. */
    public static final DisclosureLimits NONE = new DisclosureLimits(Map.of());

    private final Map<Integer, HospitalDisclosure> byHospital;

    private DisclosureLimits(Map<Integer, HospitalDisclosure> byHospital) {
        this.byHospital = byHospital;
    }

    /**
     * @param byHospital hospital number (0..16383) → its limits
     * @throws IllegalArgumentException for a hospital number outside 0..16383, a null entry, or limits that allow no
     *     aggregate or no field at all (a hospital that allows no query over its records says so in its data-use
     *     rules)
     */
    public static DisclosureLimits of(Map<Integer, HospitalDisclosure> byHospital) {
        TreeMap<Integer, HospitalDisclosure> copy = new TreeMap<>();
        byHospital.forEach((hospital, limits) -> {
            if (hospital == null || hospital < 0 || hospital > 16383 || limits == null) {
                throw new IllegalArgumentException("disclosure limits need a hospital number in 0..16383 and limits");
            }
            if (limits.allowedAggregates().isNone() || limits.allowedFields().isNone()) {
                throw new IllegalArgumentException(
                        "hospital " + hospital + "'s limits must allow some aggregate and some field");
            }
            copy.put(hospital, limits);
        });
        return new DisclosureLimits(Collections.unmodifiableSortedMap(copy));
    }

    /** Every hospital's limits, by hospital number in ascending order (unmodifiable). */
    public Map<Integer, HospitalDisclosure> byHospital() {
        return byHospital;
    }

    /** {@code hospital}'s own limits, if it set any. */
    public Optional<HospitalDisclosure> of(int hospital) {
        return Optional.ofNullable(byHospital.get(hospital));
    }

    /** The most restrictive combination of the limits of {@code hospitals} ({@link HospitalDisclosure#NONE} if none). */
    public HospitalDisclosure strictest(Collection<Integer> hospitals) {
        HospitalDisclosure out = HospitalDisclosure.NONE;
        for (int h : hospitals) {
            out = out.strictest(byHospital.getOrDefault(h, HospitalDisclosure.NONE));
        }
        return out;
    }
}
