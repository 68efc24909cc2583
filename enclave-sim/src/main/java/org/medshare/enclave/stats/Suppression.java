package org.medshare.enclave.stats;

/**
 * How many groups each of the engine's two guards left out of a result: the minimum group size (fewer than k
 * distinct patients) and the differencing guard (the group's patients would differ from a group already released
 * to the same insurer by fewer than k). A group is counted once, under the first guard that suppressed it.
 *
 * @param smallGroups groups under the minimum group size, {@code >= 0}
 * @param differencing groups the differencing guard suppressed, {@code >= 0}
 */
public record Suppression(int smallGroups, int differencing) {
    public Suppression {
        if (smallGroups < 0 || differencing < 0) {
            throw new IllegalArgumentException("suppressed group counts cannot be negative");
        }
    }

    /** Groups left out by either guard. */
    public int total() {
        return smallGroups + differencing;
    }
}
