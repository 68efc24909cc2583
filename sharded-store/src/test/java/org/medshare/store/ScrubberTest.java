package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScrubberTest extends StorePartsTestSupport {
    @Test
    void readsNoFasterThanItsRate() throws IOException {
        openAndPut(PatternStream.bytes(2, 4000));
        long start = System.nanoTime();
        ScrubReport report = new Scrubber(parts.table, parts.nodes, parts.repairer, 20_000).scrub();
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(6000, report.bytesChecked());
        assertTrue(elapsedMillis >= 290, "6000 bytes at 20000 bytes/s take 300 ms, took " + elapsedMillis);
    }

    @Test
    void reportsCorruptAndMissingShardsAndRepairsBoth() throws IOException {
        byte[] content = PatternStream.bytes(1, 4000);
        Manifest m = openAndPut(content);
        Manifest.ShardRef corrupt = m.stripe(0).get(1);
        Manifest.ShardRef missing = m.stripe(0).get(4);
        parts.backendOf(m, 0, 1).put(corrupt.cid(), new byte[1000], 0, 1000);
        parts.backendOf(m, 0, 4).delete(missing.cid());
        ScrubReport report = new Scrubber(parts.table, parts.nodes, parts.repairer, Long.MAX_VALUE).scrub();
        assertEquals(6, report.shardsChecked());
        assertEquals(5000, report.bytesChecked());
        assertEquals(List.of(new ShardLocation(m.recordCid(), 0, 1, corrupt.nodeId())), report.corrupt());
        assertEquals(List.of(new ShardLocation(m.recordCid(), 0, 4, missing.nodeId())), report.missing());
        assertEquals(2, report.repair().shardsRebuilt());
        assertTrue(corrupt.cid()
                .matches(parts.backendOf(m, 0, 1).get(corrupt.cid()).orElseThrow()));
        assertArrayEquals(content, parts.read(m));
    }
}
