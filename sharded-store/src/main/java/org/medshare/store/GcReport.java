package org.medshare.store;

/**
 * What a garbage collection did.
 *
 * @param recordsPurged tombstoned records whose grace period had passed and whose entries were removed
 * @param shardsDeleted shard files referenced by no committed record (deleted records' shards,
 *     orphans of failed or interrupted puts, stale copies replaced by repair)
 * @param temporariesDeleted partial files left on local directory nodes by writes that a crash
 *     interrupted (removed only when no put is in progress)
 */
public record GcReport(int recordsPurged, int shardsDeleted, int temporariesDeleted) {}
