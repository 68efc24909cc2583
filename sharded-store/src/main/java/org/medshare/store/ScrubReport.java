package org.medshare.store;

import java.util.List;

/**
 * What a scrub pass found and what its repair did.
 *
 * @param shardsChecked shards read and re-hashed
 * @param bytesChecked bytes re-hashed
 * @param corrupt shards whose bytes did not match their CID
 * @param missing shards absent or unreachable
 * @param repair the repair of every damaged record
 */
public record ScrubReport(
        long shardsChecked,
        long bytesChecked,
        List<ShardLocation> corrupt,
        List<ShardLocation> missing,
        RepairReport repair) {
    public ScrubReport {
        corrupt = List.copyOf(corrupt);
        missing = List.copyOf(missing);
    }
}
