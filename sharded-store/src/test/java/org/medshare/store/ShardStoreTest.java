package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.store.backend.LocalDirectoryBackend;
import org.medshare.store.backend.ShardBackend;

class ShardStoreTest {
    private static final int SHARD = 1000;

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();
    private final List<FaultyBackend> faulty = new ArrayList<>();
    private final List<Path> dirs = new ArrayList<>();
    private ShardStore store;

    private ShardStore open(int nodeCount, QuotaPolicy quota) throws IOException {
        List<StorageNode> nodes = new ArrayList<>();
        faulty.clear();
        dirs.clear();
        for (int i = 0; i < nodeCount; i++) {
            Path dir = tmp.resolve("node-" + i);
            dirs.add(dir);
            FaultyBackend f = new FaultyBackend(new LocalDirectoryBackend(dir));
            faulty.add(f);
            nodes.add(new StorageNode("node-" + i, "domain-" + i, f));
        }
        store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(tmp.resolve("catalog")))
                .coding(4, 6)
                .shardSize(SHARD)
                .quotas(quota)
                .clock(clock)
                .tombstoneGrace(Duration.ofHours(1))
                .scrubRate(Long.MAX_VALUE)
                .build();
        return store;
    }

    /** Nodes {@code prefix + i} in failure domains {@code "d" + i} over plain local directories. */
    private List<StorageNode> localNodes(String prefix, int count) {
        List<StorageNode> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new StorageNode(prefix + i, "d" + i, new LocalDirectoryBackend(tmp.resolve(prefix + i))));
        }
        return nodes;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    private static byte[] readAll(ShardStore s, Cid cid) throws IOException {
        try (InputStream in = s.get(cid)) {
            return in.readAllBytes();
        }
    }

    private static void rmrf(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private int shardFiles() throws IOException {
        int count = 0;
        for (FaultyBackend f : faulty) {
            count += f.list().size();
        }
        return count;
    }

    private void assertAllShardsPresentAndValid(Manifest m) throws IOException {
        for (int s = 0; s < m.stripeCount(); s++) {
            for (Manifest.ShardRef ref : m.stripe(s)) {
                ShardBackend b = new LocalDirectoryBackend(tmp.resolve(ref.nodeId()));
                byte[] bytes = b.get(ref.cid()).orElseThrow(() -> new AssertionError("missing " + ref));
                assertTrue(ref.cid().matches(bytes), "valid " + ref);
            }
        }
    }

    @Test
    void roundTripsEveryLengthAndSpreadsShards() throws IOException {
        open(6, QuotaPolicy.unlimited());
        int[] lengths = {0, 1, 2, 3, 4, 5, 999, 4000, 4001, 12345};
        for (int len : lengths) {
            byte[] data = PatternStream.bytes(len, len);
            Manifest m = store.put("hospital-a", new ByteArrayInputStream(data));
            assertEquals(Cid.of(data), m.recordCid());
            assertEquals(len, m.length());
            assertArrayEquals(data, readAll(store, m.recordCid()), "length " + len);
            assertEquals(Math.max(1, (len + 3999) / 4000), m.stripeCount());
            for (int s = 0; s < m.stripeCount(); s++) {
                Set<String> nodesOfStripe = new HashSet<>();
                for (Manifest.ShardRef ref : m.stripe(s)) {
                    nodesOfStripe.add(ref.nodeId());
                }
                assertEquals(6, nodesOfStripe.size(), "6 shards on 6 nodes");
            }
            assertEquals(m, store.manifest(m.recordCid()).orElseThrow());
        }
        // reopening from the catalog gives the same records
        List<Cid> before = store.records();
        store.close();
        open(6, QuotaPolicy.unlimited());
        assertEquals(before, store.records());
        byte[] last = PatternStream.bytes(12345, 12345);
        assertArrayEquals(last, readAll(store, Cid.of(last)));
    }

    @Test
    void losingAnyTwoNodesLosesNothingAndRepairRestoresEveryShard() throws IOException {
        open(6, QuotaPolicy.unlimited());
        List<byte[]> records = new ArrayList<>();
        List<Manifest> manifests = new ArrayList<>();
        for (int len : new int[] {0, 1, 3999, 9000}) {
            byte[] data = PatternStream.bytes(len + 7, len);
            records.add(data);
            manifests.add(store.put("hospital-a", new ByteArrayInputStream(data)));
        }
        for (int a = 0; a < 6; a++) {
            for (int b = a + 1; b < 6; b++) {
                rmrf(dirs.get(a));
                rmrf(dirs.get(b));
                for (int r = 0; r < records.size(); r++) {
                    assertArrayEquals(
                            records.get(r),
                            readAll(store, manifests.get(r).recordCid()),
                            "nodes " + a + "," + b + " lost, record " + r);
                }
                RepairReport report = store.repair();
                assertEquals(0, report.unrecoverable());
                assertTrue(report.shardsRebuilt() > 0);
                for (Manifest m : manifests) {
                    assertAllShardsPresentAndValid(store.manifest(m.recordCid()).orElseThrow());
                }
                assertTrue(store.repair().records().isEmpty(), "nothing left to repair");
            }
        }
    }

    @Test
    void aNodeFailingWhileAStreamReadsAheadAndAStreamClosedPartWayLeaveReadsWhole() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] data = PatternStream.bytes(21, 6 * 4 * SHARD + 17);
        Manifest m = store.put("hospital-a", new ByteArrayInputStream(data));
        assertEquals(7, m.stripeCount());
        try (InputStream in = store.get(m.recordCid())) {
            byte[] first = in.readNBytes(4 * SHARD);
            faulty.get(m.stripe(1).get(0).nodeId().charAt(5) - '0').failEverything(true);
            faulty.get(m.stripe(2).get(1).nodeId().charAt(5) - '0').failEverything(true);
            byte[] rest = in.readAllBytes();
            byte[] all = Arrays.copyOf(first, first.length + rest.length);
            System.arraycopy(rest, 0, all, first.length, rest.length);
            assertArrayEquals(data, all, "read around the nodes that failed mid-stream");
        }
        for (FaultyBackend f : faulty) {
            f.failEverything(false);
        }
        try (InputStream in = store.get(m.recordCid())) {
            assertArrayEquals(Arrays.copyOf(data, 10), in.readNBytes(10));
        }
        assertArrayEquals(data, readAll(store, m.recordCid()));
    }

    @Test
    void threeLostNodesMakeARecordUnreadableAndAreReported() throws IOException {
        open(6, QuotaPolicy.unlimited());
        Manifest m = store.put("h", new ByteArrayInputStream(PatternStream.bytes(1, 5000)));
        for (int i = 0; i < 3; i++) {
            rmrf(dirs.get(i));
        }
        IOException e = assertThrows(IOException.class, () -> readAll(store, m.recordCid()));
        assertTrue(e.getMessage().contains("of 4 needed shards"), e.getMessage());
        RepairReport report = store.repair();
        assertEquals(1, report.unrecoverable());
        assertFalse(report.records().get(0).recovered());
    }

    @Test
    void corruptByteIsDetectedOnReadAndByScrubAndRepaired() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] data = PatternStream.bytes(3, 7000);
        Manifest m = store.put("h", new ByteArrayInputStream(data));
        Manifest.ShardRef victim = m.stripe(1).get(0);
        Path file = findShardFile(victim);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(file, bytes);

        assertArrayEquals(data, readAll(store, m.recordCid()), "read decodes around the corrupt shard");
        assertEquals(1, store.corruptShardsDetectedOnRead());
        assertEquals(1, store.repairQueueSize(), "the damaged record waits for repair");

        ScrubReport scrub = store.scrub();
        assertEquals(List.of(new ShardLocation(m.recordCid(), 1, 0, victim.nodeId())), scrub.corrupt());
        assertTrue(scrub.missing().isEmpty());
        assertEquals(12, scrub.shardsChecked());
        assertEquals(1, scrub.repair().shardsRebuilt());
        assertTrue(victim.cid().matches(Files.readAllBytes(file)), "corrupt copy overwritten");
        ScrubReport again = store.scrub();
        assertTrue(again.corrupt().isEmpty());
        assertTrue(again.repair().records().isEmpty());

        // a corruption seen only by a read is repaired by repair(), which re-hashes suspect records
        Manifest.ShardRef parity = m.stripe(0).get(5);
        Path pfile = findShardFile(parity);
        byte[] pb = Files.readAllBytes(pfile);
        pb[0] ^= (byte) 0x80;
        Files.write(pfile, pb);
        rmrf(dirs.get(nodeIndex(m.stripe(0).get(0).nodeId())));
        assertArrayEquals(data, readAll(store, m.recordCid()));
        RepairReport repair = store.repair();
        assertEquals(0, repair.unrecoverable());
        assertTrue(parity.cid().matches(Files.readAllBytes(pfile)));
        assertAllShardsPresentAndValid(store.manifest(m.recordCid()).orElseThrow());
    }

    @Test
    void shardCountsFollowTheCatalogPerConfiguredNode() throws IOException {
        open(6, QuotaPolicy.unlimited());
        assertEquals(List.of("node-0", "node-1", "node-2", "node-3", "node-4", "node-5"), store.nodeIds());
        assertEquals(List.of(0, 0, 0, 0, 0, 0), List.copyOf(store.shardCounts().values()));
        Manifest m = store.put("h", new ByteArrayInputStream(PatternStream.bytes(5, 7000)));
        assertEquals(2, m.stripeCount());
        assertEquals(
                List.of(2, 2, 2, 2, 2, 2), List.copyOf(store.shardCounts().values()), "two stripes over six nodes");
        assertEquals(0, store.repairQueueSize());
    }

    private int nodeIndex(String nodeId) {
        return Integer.parseInt(nodeId.substring("node-".length()));
    }

    private Path findShardFile(Manifest.ShardRef ref) throws IOException {
        try (Stream<Path> walk = Files.walk(tmp.resolve(ref.nodeId()))) {
            return walk.filter(p -> p.getFileName().toString().equals(ref.cid().toString()))
                    .findFirst()
                    .orElseThrow();
        }
    }

    @Test
    void backendFailureMidPutLeavesNothingVisibleAndNoQuota() throws IOException {
        open(6, QuotaPolicy.uniform(1_000_000));
        Manifest kept = store.put("hospital-a", new ByteArrayInputStream(PatternStream.bytes(9, 3000)));
        long usageBefore = store.usage("hospital-a");
        int filesBefore = shardFiles();
        for (FaultyBackend node : faulty) {
            node.failPutsAfter(2);
        }
        byte[] data = PatternStream.bytes(10, 20_000);
        IOException e = assertThrows(IOException.class, () -> store.put("hospital-a", new ByteArrayInputStream(data)));
        assertTrue(e.getMessage().contains("no healthy node left"), e.getMessage());
        assertEquals(List.of(kept.recordCid()), store.records(), "no visible record");
        assertThrows(NoSuchRecordException.class, () -> store.get(Cid.of(data)));
        assertEquals(usageBefore, store.usage("hospital-a"), "no leaked quota");
        assertEquals(filesBefore, shardFiles(), "orphans of the failed put deleted");
        assertTrue(Files.list(tmp.resolve("catalog")).count() == 1);
        assertArrayEquals(PatternStream.bytes(9, 3000), readAll(store, kept.recordCid()));
    }

    @Test
    void failedShardWriteMovesToASpareNodeAndRepeatedFailureMarksNodeDown() throws IOException {
        open(7, QuotaPolicy.unlimited());
        faulty.get(2).failEverything(true);
        List<Manifest> ms = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ms.add(store.put("h", new ByteArrayInputStream(PatternStream.bytes(100 + i, 4000))));
        }
        assertTrue(store.health().downNodes().contains("node-2"), "node-2 down after repeated failures");
        for (Manifest m : ms) {
            for (Manifest.ShardRef ref : m.stripe(0)) {
                assertNotEquals("node-2", ref.nodeId());
            }
            assertEquals(
                    6,
                    new HashSet<>(m.stripe(0).stream()
                                    .map(Manifest.ShardRef::nodeId)
                                    .toList())
                            .size());
        }
        faulty.get(2).failEverything(false);
        assertEquals(Set.of("node-2"), store.probeNodes());
        assertTrue(store.health().isUp("node-2"));
    }

    @Test
    void shardsOnADownNodeAreRebuiltOnHealthyNodes() throws IOException {
        open(8, QuotaPolicy.unlimited());
        Manifest m = store.put("h", new ByteArrayInputStream(PatternStream.bytes(77, 16_000)));
        String victim = m.stripe(0).get(1).nodeId();
        faulty.get(nodeIndex(victim)).failEverything(true);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(PatternStream.bytes(77, 16_000), readAll(store, m.recordCid()));
        }
        assertFalse(store.health().isUp(victim));
        RepairReport report = store.repair();
        assertEquals(0, report.unrecoverable());
        Manifest after = store.manifest(m.recordCid()).orElseThrow();
        for (int s = 0; s < after.stripeCount(); s++) {
            Set<String> ids = new HashSet<>();
            for (Manifest.ShardRef ref : after.stripe(s)) {
                assertNotEquals(victim, ref.nodeId(), "nothing left on the down node");
                ids.add(ref.nodeId());
            }
            assertEquals(6, ids.size(), "still one shard per node");
        }
        assertAllShardsPresentAndValid(after);
        // the node comes back: its stale copies are garbage now
        faulty.get(nodeIndex(victim)).failEverything(false);
        store.probeNodes();
        int stale = faulty.get(nodeIndex(victim)).list().size();
        assertTrue(stale > 0);
        assertEquals(stale, store.collectGarbage().shardsDeleted());
        assertArrayEquals(PatternStream.bytes(77, 16_000), readAll(store, m.recordCid()));
    }

    @Test
    void repairTakesRecordsWithFewestSpareShardsFirst() throws IOException {
        open(6, QuotaPolicy.unlimited());
        Manifest one = store.put("h", new ByteArrayInputStream(PatternStream.bytes(1, 3000)));
        Manifest two = store.put("h", new ByteArrayInputStream(PatternStream.bytes(2, 3000)));
        Manifest none = store.put("h", new ByteArrayInputStream(PatternStream.bytes(3, 3000)));
        faulty.get(nodeIndex(one.stripe(0).get(0).nodeId()))
                .delete(one.stripe(0).get(0).cid());
        faulty.get(nodeIndex(two.stripe(0).get(0).nodeId()))
                .delete(two.stripe(0).get(0).cid());
        faulty.get(nodeIndex(two.stripe(0).get(4).nodeId()))
                .delete(two.stripe(0).get(4).cid());
        RepairReport report = store.repair();
        assertEquals(2, report.records().size());
        assertEquals(two.recordCid(), report.records().get(0).record());
        assertEquals(0, report.records().get(0).spareShards());
        assertEquals(one.recordCid(), report.records().get(1).record());
        assertEquals(1, report.records().get(1).spareShards());
        assertEquals(3, report.shardsRebuilt());
        assertAllShardsPresentAndValid(none);
        assertAllShardsPresentAndValid(store.manifest(two.recordCid()).orElseThrow());
    }

    @Test
    void quotaCountsCodingOverheadAndRefusesWithoutLeaking() throws IOException {
        open(6, QuotaPolicy.uniform(6000));
        Manifest m = store.put("h", new ByteArrayInputStream(PatternStream.bytes(5, 4000)));
        assertEquals(6000, m.storedBytes());
        assertEquals(6000, store.usage("h"));
        int files = shardFiles();
        QuotaExceededException e = assertThrows(
                QuotaExceededException.class, () -> store.put("h", new ByteArrayInputStream(new byte[] {1})));
        assertEquals(6000, e.limitBytes());
        assertEquals(6006, e.requiredBytes());
        assertEquals(6000, store.usage("h"));
        assertEquals(files, shardFiles());
        assertEquals(1, store.records().size());
        assertEquals(0, store.usage("other"));
        store.put("other", new ByteArrayInputStream(new byte[] {1}));
        assertEquals(6, store.usage("other"));
        assertTrue(store.delete("h", m.recordCid()));
        assertEquals(0, store.usage("h"));
        store.put("h", new ByteArrayInputStream(new byte[] {2}));
    }

    @Test
    void deletionUsesReferenceCountsTombstonesAndGracePeriod() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] data = PatternStream.bytes(11, 5000);
        Manifest a = store.put("hospital-a", new ByteArrayInputStream(data));
        Manifest b = store.put("hospital-b", new ByteArrayInputStream(data));
        assertEquals(a, b, "same content, one record");
        assertEquals(12, shardFiles(), "the duplicate put left no extra shards");
        assertEquals(a.storedBytes(), store.usage("hospital-b"));
        assertFalse(store.delete("hospital-c", a.recordCid()), "no reference, refused");
        assertTrue(store.delete("hospital-a", a.recordCid()));
        assertFalse(store.delete("hospital-a", a.recordCid()), "already dropped");
        assertArrayEquals(data, readAll(store, a.recordCid()), "hospital-b still holds it");
        assertTrue(store.delete("hospital-b", a.recordCid()));
        assertThrows(NoSuchRecordException.class, () -> store.get(a.recordCid()));
        assertTrue(store.records().isEmpty());
        assertEquals(new GcReport(0, 0, 0), store.collectGarbage(), "within grace nothing is purged");
        assertEquals(12, shardFiles());
        clock.advance(Duration.ofMinutes(61));
        assertEquals(new GcReport(1, 12, 0), store.collectGarbage());
        assertEquals(0, shardFiles());
        assertEquals(0, Files.list(tmp.resolve("catalog")).count());
        assertThrows(NoSuchRecordException.class, () -> store.get(a.recordCid()));
    }

    @Test
    void reputDuringGraceRevivesTheRecord() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] data = PatternStream.bytes(12, 2500);
        Manifest m = store.put("h", new ByteArrayInputStream(data));
        store.delete("h", m.recordCid());
        store.put("h", new ByteArrayInputStream(data));
        clock.advance(Duration.ofHours(2));
        assertEquals(0, store.collectGarbage().recordsPurged());
        assertArrayEquals(data, readAll(store, m.recordCid()));
    }

    @Test
    void garbageCollectionRemovesOrphansOfCrashedPutsOnly() throws IOException {
        open(6, QuotaPolicy.unlimited());
        byte[] data = PatternStream.bytes(13, 6000);
        Manifest m = store.put("h", new ByteArrayInputStream(data));
        byte[] orphan = {1, 2, 3};
        faulty.get(0).put(Cid.of(orphan), orphan, 0, 3);
        faulty.get(4).put(Cid.of(orphan), orphan, 0, 3);
        Files.writeString(dirs.get(1).resolve("not-a-shard.txt"), "keep me");
        Path sub = Files.createDirectories(dirs.get(2).resolve("zz"));
        Files.write(sub.resolve(Cid.of(orphan) + ".5eed.tmp"), new byte[] {1});
        assertEquals(new GcReport(0, 2, 1), store.collectGarbage());
        assertTrue(Files.exists(dirs.get(1).resolve("not-a-shard.txt")));
        assertTrue(Files.notExists(sub.resolve(Cid.of(orphan) + ".5eed.tmp")), "crash temporary removed");
        assertArrayEquals(data, readAll(store, m.recordCid()));
        assertAllShardsPresentAndValid(m);
    }

    @Test
    void scrubIsRateLimited() throws IOException {
        store = ShardStore.builder()
                .nodes(localNodes("node-", 6))
                .catalog(new DirectoryCatalog(tmp.resolve("catalog")))
                .shardSize(SHARD)
                .scrubRate(100_000)
                .build();
        store.put("h", new ByteArrayInputStream(PatternStream.bytes(1, 20_000)));
        long start = System.nanoTime();
        ScrubReport r = store.scrub();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals(30_000, r.bytesChecked());
        assertTrue(seconds >= 0.25, "30 kB at 100 kB/s took " + seconds + " s");
    }

    @Test
    void refusesBadConfigurationAndInput() throws IOException {
        assertThrows(
                IllegalArgumentException.class,
                () -> ShardStore.builder()
                        .catalog(new DirectoryCatalog(tmp.resolve("c")))
                        .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> ShardStore.builder()
                        .nodes(List.of(
                                new StorageNode("a", "d", new LocalDirectoryBackend(tmp.resolve("a"))),
                                new StorageNode("a", "d", new LocalDirectoryBackend(tmp.resolve("b")))))
                        .catalog(new DirectoryCatalog(tmp.resolve("c")))
                        .build());
        assertThrows(IllegalArgumentException.class, () -> ShardStore.builder().coding(4, 4));
        assertThrows(IllegalArgumentException.class, () -> ShardStore.builder().shardSize(0));
        assertThrows(IllegalArgumentException.class, () -> ShardStore.builder().failureThreshold(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> ShardStore.builder()
                        .nodes(List.of(new StorageNode("a", "d", new LocalDirectoryBackend(tmp.resolve("a")))))
                        .catalog(new DirectoryCatalog(tmp.resolve("c")))
                        .coding(200, 255)
                        .shardSize(64 << 20)
                        .build());
        assertThrows(
                IllegalArgumentException.class, () -> new StorageNode("bad id", "d", new LocalDirectoryBackend(tmp)));
        open(6, QuotaPolicy.unlimited());
        assertThrows(IllegalArgumentException.class, () -> store.put("", new ByteArrayInputStream(new byte[1])));
        InputStream broken = new InputStream() {
            int n;

            @Override
            public int read() throws IOException {
                if (++n > 6000) {
                    throw new IOException("client went away");
                }
                return 7;
            }
        };
        assertThrows(IOException.class, () -> store.put("h", broken));
        assertTrue(store.records().isEmpty());
        assertEquals(0, shardFiles());
        assertEquals(0, store.usage("h"));
        assertNull(PatternStream.compare(1, 0, new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void rs104IsSelectable() throws IOException {
        store = ShardStore.builder()
                .nodes(localNodes("n", 14))
                .catalog(new DirectoryCatalog(tmp.resolve("catalog")))
                .coding(10, 14)
                .shardSize(SHARD)
                .build();
        byte[] data = PatternStream.bytes(4, 25_000);
        Manifest m = store.put("h", new ByteArrayInputStream(data));
        assertEquals(10, m.dataShards());
        assertEquals(14, m.totalShards());
        for (int i = 0; i < 4; i++) {
            rmrf(tmp.resolve("n" + (i * 3)));
        }
        assertArrayEquals(data, readAll(store, m.recordCid()));
    }
}
