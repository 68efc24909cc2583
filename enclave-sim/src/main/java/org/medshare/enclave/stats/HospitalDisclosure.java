package org.medshare.enclave.stats;

import java.util.Objects;

/**
 * One hospital's own limits on what a query over its records may release, on top of the template's: the least number
 * of distinct patients behind a released value, the largest ε of one query, the most rows one patient may contribute,
 * whether every released value must carry noise, which aggregates a query may compute and which {@link DisclosedField
 * fields} it may disclose. A query touching several hospitals gets the {@link #strictest most restrictive} combination
 * of theirs.
 *
 * @param minGroupSize      k, at least 2
 * @param maxEpsilonMicros  the largest ε of one query in micro-ε, at least 0 ({@link Long#MAX_VALUE}: no limit of its
 *                          own; 0 with {@code noiseRequired}: no query at all)
 * @param maxRowsPerPatient 1 to 1000
 * @param noiseRequired     a template without differential privacy (or a request without ε) may not use its records
 * @param allowedAggregates the aggregate kinds a template may have
 * @param allowedFields     the fields a template may disclose ({@link DisclosedField#of(QueryTemplate)})
 */
public record HospitalDisclosure(
        int minGroupSize,
        long maxEpsilonMicros,
        int maxRowsPerPatient,
        boolean noiseRequired,
        Allowed<AggregateSpec.Kind> allowedAggregates,
        Allowed<DisclosedField> allowedFields) {

    /** No limit beyond the engine's and the template's. */
    public static final HospitalDisclosure NONE = new HospitalDisclosure(2, Long.MAX_VALUE, 1000, false);

    /**
     * @throws IllegalArgumentException for a value outside its range
     * @throws NullPointerException     for null allowed aggregates or fields
     */
    public HospitalDisclosure {
        if (minGroupSize < 2 || minGroupSize > 1_000_000) {
            throw new IllegalArgumentException("minimum group size must be in 2..1000000");
        }
        if (maxEpsilonMicros < 0) {
            throw new IllegalArgumentException("maximum epsilon must not be negative");
        }
        if (maxRowsPerPatient < 1 || maxRowsPerPatient > 1000) {
            throw new IllegalArgumentException("maximum rows per patient must be in 1..1000");
        }
        Objects.requireNonNull(allowedAggregates, "allowedAggregates");
        Objects.requireNonNull(allowedFields, "allowedFields");
    }

    /** Limits that allow any aggregate and any field. */
    public HospitalDisclosure(int minGroupSize, long maxEpsilonMicros, int maxRowsPerPatient, boolean noiseRequired) {
        this(minGroupSize, maxEpsilonMicros, maxRowsPerPatient, noiseRequired, Allowed.any(), Allowed.any());
    }

    /**
     * The most restrictive combination of both: the larger k, the smaller ε and row limit, noise if either wants it,
     * and only the aggregates and fields both allow (two hospitals that each allow only disjoint ones allow none).
     */
    public HospitalDisclosure strictest(HospitalDisclosure other) {
        return new HospitalDisclosure(
                Math.max(minGroupSize, other.minGroupSize),
                Math.min(maxEpsilonMicros, other.maxEpsilonMicros),
                Math.min(maxRowsPerPatient, other.maxRowsPerPatient),
                noiseRequired || other.noiseRequired,
                allowedAggregates.and(other.allowedAggregates),
                allowedFields.and(other.allowedFields));
    }
}
