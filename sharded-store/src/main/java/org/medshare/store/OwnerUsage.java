package org.medshare.store;

import java.util.HashMap;
import java.util.Map;

/**
 * Stored bytes charged to each owner: its committed records (shard bytes on all nodes, once per
 * reference it holds) plus the reservations of its puts in progress, which together never exceed
 * its {@link QuotaPolicy} limit. Not thread-safe: its owner guards it.
 */
final class OwnerUsage {
    private final QuotaPolicy quotas;
    private final Map<String, Long> committed = new HashMap<>();
    private final Map<String, Long> reserved = new HashMap<>();

    OwnerUsage(QuotaPolicy quotas) {
        this.quotas = quotas;
    }

    /**
     * Reserves {@code bytes} more for a put in progress.
     *
     * @throws QuotaExceededException if the owner's usage would exceed its limit; nothing changes
     */
    void reserve(String owner, long bytes) throws QuotaExceededException {
        long limit = quotas.limitBytes(owner);
        long after = usage(owner) + bytes;
        if (after > limit || after < 0) {
            throw new QuotaExceededException(owner, limit, after);
        }
        reserved.merge(owner, bytes, Long::sum);
    }

    /** Returns {@code bytes} of an earlier reservation. */
    void release(String owner, long bytes) {
        add(reserved, owner, -bytes);
    }

    /** Charges (or, negative, credits) committed bytes. */
    void charge(String owner, long bytes) {
        add(committed, owner, bytes);
    }

    /** Charges every reference of {@code entry} ({@code sign} +1) or credits them (-1). */
    void chargeReferences(CatalogEntry entry, int sign) {
        long bytes = entry.manifest().storedBytes();
        entry.references().forEach((owner, count) -> charge(owner, sign * bytes * count));
    }

    /** Committed plus reserved bytes. */
    long usage(String owner) {
        return committed.getOrDefault(owner, 0L) + reserved.getOrDefault(owner, 0L);
    }

    private static void add(Map<String, Long> totals, String owner, long bytes) {
        if (bytes != 0 && totals.merge(owner, bytes, Long::sum) == 0) {
            totals.remove(owner);
        }
    }
}
