package org.medshare.store;

import java.util.List;

/**
 * What a repair pass did, record by record in the order it repaired them (fewest spare shards
 * first).
 *
 * @param records the damaged records, in repair order
 * @param shardsRebuilt shards decoded and written again
 * @param unrecoverable records with a stripe that had fewer than k good shards left
 */
public record RepairReport(List<RecordRepair> records, int shardsRebuilt, int unrecoverable) {
    public RepairReport {
        records = List.copyOf(records);
    }

    /**
     * One damaged record.
     *
     * @param spareShards before repair: the smallest, over its stripes, of (n - k) minus the damaged
     *     shards of the stripe (negative: data lost)
     * @param rebuilt shards rebuilt
     * @param recovered whether every stripe is whole again
     */
    public record RecordRepair(Cid record, int spareShards, int rebuilt, boolean recovered) {}
}
