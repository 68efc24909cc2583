package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 acceptance: records of 0 B, 1 B, 1 MB and 200 MB in the embedded default (RS(4,2), 1 MiB
 * shards, six local node directories); n - k = 2 node directories deleted; every record reads back
 * bit-identical; repair; every shard is back. The 200 MB record is streamed in and out (the test
 * JVM's heap is smaller than the record, see the module's surefire argLine).
 */
class AcceptanceTest {
    @TempDir
    Path tmp;

    @Test
    void storeLoseTwoNodesReadBackRepair() throws IOException {
        List<Path> nodeDirs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodeDirs.add(tmp.resolve("node-" + i));
        }
        long[] lengths = {0, 1, 1_000_000, 200_000_000};
        long maxHeap = Runtime.getRuntime().maxMemory();
        assertTrue(maxHeap < lengths[3], "heap " + maxHeap + " must be smaller than the 200 MB record");
        List<Manifest> manifests = new ArrayList<>();
        try (ShardStore store = ShardStore.openLocal(tmp.resolve("catalog"), nodeDirs)) {
            for (long len : lengths) {
                manifests.add(store.put("hospital-a", new PatternStream(len, len)));
            }
            Manifest big = manifests.get(3);
            assertEquals(48, big.stripeCount(), "200 MB in 4 MiB stripes");
            assertEquals(6, big.totalShards());
            assertEquals(4, big.dataShards());

            for (Path dir : List.of(nodeDirs.get(1), nodeDirs.get(4))) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    walk.sorted(Comparator.reverseOrder())
                            .forEach(p -> p.toFile().delete());
                }
                assertTrue(Files.notExists(dir));
            }
            for (int r = 0; r < lengths.length; r++) {
                try (InputStream in = store.get(manifests.get(r).recordCid())) {
                    assertNull(PatternStream.compare(lengths[r], lengths[r], in), "record of " + lengths[r] + " B");
                }
            }
            RepairReport report = store.repair();
            assertEquals(0, report.unrecoverable());
            assertEquals(4, report.records().size());
            int expectedRebuilt = 0;
            for (Manifest m : manifests) {
                for (int s = 0; s < m.stripeCount(); s++) {
                    for (Manifest.ShardRef ref : m.stripe(s)) {
                        if (ref.nodeId().equals("node-1") || ref.nodeId().equals("node-4")) {
                            expectedRebuilt++;
                        }
                    }
                }
            }
            assertEquals(expectedRebuilt, report.shardsRebuilt());
            ScrubReport scrub = store.scrub();
            assertTrue(scrub.corrupt().isEmpty(), "no corrupt shard after repair");
            assertTrue(scrub.missing().isEmpty(), "all shards back");
            long shards = 0;
            for (Manifest m : manifests) {
                shards += (long) m.stripeCount() * m.totalShards();
            }
            assertEquals(shards, scrub.shardsChecked());
            assertTrue(Files.isDirectory(nodeDirs.get(1)) && Files.isDirectory(nodeDirs.get(4)));
        }
    }
}
