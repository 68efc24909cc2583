package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RepairerTest extends StorePartsTestSupport {
    @Test
    void aMissingShardIsRebuiltOnItsOwnNode() throws IOException {
        byte[] content = PatternStream.bytes(1, 5000);
        Manifest m = openAndPut(content);
        Manifest.ShardRef lost = m.stripe(0).get(2);
        assertTrue(parts.backendOf(m, 0, 2).delete(lost.cid()));
        RepairReport report = parts.repairer.repair();
        assertEquals(1, report.shardsRebuilt());
        assertEquals(List.of(new RepairReport.RecordRepair(m.recordCid(), 1, 1, true)), report.records());
        assertTrue(parts.backendOf(m, 0, 2).exists(lost.cid()));
        assertEquals(m, parts.table.liveManifest(m.recordCid()).orElseThrow(), "placement unchanged");
        assertTrue(parts.repairer.repair().records().isEmpty());
    }

    @Test
    void theShardsOfADownNodeMoveToAnotherDomainAndThePlacementIsCommitted() throws IOException {
        open(7, QuotaPolicy.unlimited());
        byte[] content = PatternStream.bytes(2, 3000);
        Manifest m = parts.put(content);
        String downId = m.stripe(0).get(0).nodeId();
        FaultyBackend down = parts.backendOf(m, 0, 0);
        down.failEverything(true);
        assertFalse(
                parts.nodes.write(parts.nodes.get(downId), Cid.of(new byte[1]), new byte[1], 1),
                "one failure marks the node down (threshold 1)");
        RepairReport report = parts.repairer.repair();
        assertEquals(1, report.shardsRebuilt());
        Manifest repaired = parts.table.liveManifest(m.recordCid()).orElseThrow();
        String newHome = repaired.stripe(0).get(0).nodeId();
        assertNotEquals(downId, newHome);
        Set<String> used = new HashSet<>();
        repaired.stripe(0).forEach(ref -> used.add(ref.nodeId()));
        assertEquals(6, used.size(), "still one shard per node");
        assertArrayEquals(content, parts.read(repaired));
    }

    @Test
    void aStripeWithFewerThanKGoodShardsIsUnrecoverable() throws IOException {
        Manifest m = openAndPut(PatternStream.bytes(3, 4000));
        for (int i = 0; i < 3; i++) {
            parts.backendOf(m, 0, i).delete(m.stripe(0).get(i).cid());
        }
        RepairReport report = parts.repairer.repair();
        assertEquals(1, report.unrecoverable());
        assertEquals(0, report.shardsRebuilt());
        assertEquals(-1, report.records().get(0).spareShards());
        assertFalse(report.records().get(0).recovered());
    }
}
