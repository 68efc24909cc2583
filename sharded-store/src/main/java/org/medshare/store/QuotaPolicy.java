package org.medshare.store;

/** Per-owner limit on stored bytes, counted as shard bytes on all nodes (about {@code length * n / k}). */
@FunctionalInterface
public interface QuotaPolicy {
    /** The owner's limit in stored bytes; {@link Long#MAX_VALUE} for none. */
    long limitBytes(String owner);

    /** No limit for anyone. */
    static QuotaPolicy unlimited() {
        return owner -> Long.MAX_VALUE;
    }

    /** The same limit for every owner. */
    static QuotaPolicy uniform(long limitBytes) {
        if (limitBytes < 0) {
            throw new IllegalArgumentException("negative quota");
        }
        return owner -> limitBytes;
    }
}
