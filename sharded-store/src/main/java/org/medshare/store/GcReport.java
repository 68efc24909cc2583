package org.medshare.store;

/**
 * What a garbage collection did.
 *
 * @param recordsPurged tombstoned records whose grace period had passed and whose entries were removed
 * @param shardsDeleted shard files referenced by no committed record (deleted records' shards,
 *     orphans of failed or interrupted puts, stale copies replaced by repair)
 */
public record GcReport(int recordsPurged, int shardsDeleted) {}
