package org.medshare.enclave.stats;

/**
 * How many groups each of the engine's two guards left out of a result: the minimum group size (fewer than k
 * distinct patients) and the differencing guard (the rows the group used would differ from those of a group already
 * released to the same insurer in the rows of fewer than k patients). A group is counted once, under the first guard
 * that suppressed it. Besides, {@code values} counts single values withheld inside released groups because fewer
 * than k patients back them and no noise covers them (QUERY.md §Privacy: histogram bins, exact quantiles,
 * regression coefficients).
 *
 * @param smallGroups groups under the minimum group size, {@code >= 0}
 * @param differencing groups the differencing guard suppressed, {@code >= 0}
 * @param values values withheld in released groups, {@code >= 0}
 */
public record Suppression(int smallGroups, int differencing, int values) {
    public Suppression {
        if (smallGroups < 0 || differencing < 0 || values < 0) {
            throw new IllegalArgumentException("suppressed counts cannot be negative");
        }
    }

    /** Groups suppressed, no value withheld. */
    public Suppression(int smallGroups, int differencing) {
        this(smallGroups, differencing, 0);
    }

    /** Groups left out by either guard. */
    public int total() {
        return smallGroups + differencing;
    }
}
