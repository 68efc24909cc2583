package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class GarbageCollectorTest extends StorePartsTestSupport {
    @Test
    void deletesOrphansAndTemporariesButNothingALiveRecordUses() throws IOException {
        Manifest kept = openAndPut(PatternStream.bytes(1, 4000));
        byte[] orphan = {42};
        parts.backends.get(0).put(Cid.of(orphan), orphan, 0, 1);
        Path shardDir = tmp.resolve("node-0").resolve(Cid.of(orphan).toString().substring(57));
        Files.write(shardDir.resolve(Cid.of(orphan) + ".1.tmp"), new byte[] {1});
        GcReport report = parts.garbageCollector().collect(parts.clock.instant().minus(Duration.ofHours(1)));
        assertEquals(new GcReport(0, 1, 1), report);
        assertEquals(6, parts.storedShards(), "the live record's shards stay");
        assertTrue(parts.table.liveManifest(kept.recordCid()).isPresent());
    }

    @Test
    void aDeletedRecordIsPurgedOnlyAfterTheGracePeriod() throws IOException {
        Manifest m = openAndPut(PatternStream.bytes(2, 4000));
        assertTrue(parts.table.dropReference("owner", m.recordCid(), parts.clock.instant()));
        GarbageCollector gc = parts.garbageCollector();
        parts.clock.advance(Duration.ofMinutes(59));
        assertEquals(new GcReport(0, 0, 0), gc.collect(parts.clock.instant().minus(Duration.ofHours(1))));
        assertEquals(6, parts.storedShards());
        parts.clock.advance(Duration.ofMinutes(1));
        assertEquals(new GcReport(1, 6, 0), gc.collect(parts.clock.instant().minus(Duration.ofHours(1))));
        assertEquals(0, parts.storedShards());
    }

    @Test
    void aFailingNodeIsSkippedAndCountsAFailure() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] orphan = {7};
        parts.backends.get(1).put(Cid.of(orphan), orphan, 0, 1);
        parts.backends.get(1).failEverything(true);
        assertEquals(new GcReport(0, 0, 0), parts.garbageCollector().collect(parts.clock.instant()));
        assertEquals(false, parts.nodes.isUp("node-1"), "one failure marks it down (threshold 1)");
        parts.backends.get(1).failEverything(false);
        assertTrue(parts.backends.get(1).exists(Cid.of(orphan)));
    }
}
