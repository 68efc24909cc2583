package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.store.backend.LocalDirectoryBackend;

class RecordTableTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path tmp;

    private StorageNode node;
    private StoreNodes nodes;
    private FailingCatalog catalog;
    private RecordTable table;

    /** A directory catalog whose commits fail while told to. */
    private static final class FailingCatalog implements ManifestCatalog {
        private final DirectoryCatalog inner;
        private boolean failing;

        FailingCatalog(Path dir) throws IOException {
            inner = new DirectoryCatalog(dir);
        }

        @Override
        public void commit(CatalogEntry entry) throws IOException {
            if (failing) {
                throw new IOException("injected catalog failure");
            }
            inner.commit(entry);
        }

        @Override
        public Optional<CatalogEntry> load(Cid record) throws IOException {
            return inner.load(record);
        }

        @Override
        public boolean remove(Cid record) throws IOException {
            return inner.remove(record);
        }

        @Override
        public List<CatalogEntry> loadAll() throws IOException {
            return inner.loadAll();
        }
    }

    @BeforeEach
    void open() throws IOException {
        node = new StorageNode("n", "d", new LocalDirectoryBackend(tmp.resolve("n")));
        nodes = new StoreNodes(List.of(node), 3);
        catalog = new FailingCatalog(tmp.resolve("catalog"));
        table = new RecordTable(catalog, QuotaPolicy.uniform(100), nodes);
    }

    /** Writes two one-byte shards and returns the RS(1,2) manifest that places them on the node. */
    private Manifest writeRecord(ShardWrites writes, int record, int first, int second) {
        byte[] a = {(byte) first};
        byte[] b = {(byte) second};
        assertTrue(writes.write(node, Cid.of(a), a, 1));
        assertTrue(writes.write(node, Cid.of(b), b, 1));
        return new Manifest(
                Cid.of(new byte[] {(byte) record}),
                1,
                1,
                2,
                10,
                List.of(List.of(new Manifest.ShardRef(Cid.of(a), "n"), new Manifest.ShardRef(Cid.of(b), "n"))));
    }

    private Set<Cid> stored() throws IOException {
        return node.backend().list();
    }

    @Test
    void aCommittedPutTurnsItsReservationIntoACharge() throws IOException {
        ShardWrites writes = table.startWrites();
        Manifest m = writeRecord(writes, 1, 10, 11);
        table.reserve("a", m.storedBytes());
        assertEquals(m, table.commitPut("a", m, m.storedBytes(), writes, NOW));
        assertEquals(m.storedBytes(), table.usage("a"));
        assertEquals(Optional.of(m), table.liveManifest(m.recordCid()));
        assertEquals(Map.of("n", 2), table.shardCounts());
        assertEquals(2, stored().size());
        assertEquals(
                m.storedBytes(),
                new RecordTable(catalog, QuotaPolicy.unlimited(), nodes).usage("a"),
                "a reopened table charges the committed references again");
    }

    @Test
    void theSameContentAgainAddsAReferenceAndDropsTheNewCopies() throws IOException {
        ShardWrites first = table.startWrites();
        Manifest m = writeRecord(first, 1, 10, 11);
        table.commitPut("a", m, 0, first, NOW);
        ShardWrites second = table.startWrites();
        Manifest copy = writeRecord(second, 1, 20, 21);
        assertEquals(m, table.commitPut("b", copy, 0, second, NOW), "the stored manifest wins");
        assertEquals(m.storedBytes(), table.usage("b"));
        assertEquals(
                Set.of(m.stripe(0).get(0).cid(), m.stripe(0).get(1).cid()),
                stored(),
                "the second put's shards are deleted");
    }

    @Test
    void anAbandonedPutReturnsItsReservationAndDeletesItsShards() throws IOException {
        ShardWrites writes = table.startWrites();
        Manifest m = writeRecord(writes, 1, 10, 11);
        table.reserve("a", 4);
        assertThrows(QuotaExceededException.class, () -> table.reserve("a", 97));
        assertTrue(table.whenNoWriteInProgress(() -> "ran").isEmpty(), "writes are in progress");
        table.abandonPut("a", 4, writes);
        assertEquals(0, table.usage("a"));
        assertEquals(Set.of(), stored());
        assertEquals(Optional.empty(), table.liveManifest(m.recordCid()));
        assertEquals(Optional.of("ran"), table.whenNoWriteInProgress(() -> "ran"));
    }

    @Test
    void aFailedCatalogCommitChangesNothing() throws IOException {
        ShardWrites writes = table.startWrites();
        Manifest m = writeRecord(writes, 1, 10, 11);
        table.reserve("a", 4);
        catalog.failing = true;
        assertThrows(IOException.class, () -> table.commitPut("a", m, 4, writes, NOW));
        assertEquals(Optional.empty(), table.liveManifest(m.recordCid()));
        assertEquals(4, table.usage("a"), "still reserved: the caller abandons the put");
        table.abandonPut("a", 4, writes);
        assertEquals(Set.of(), stored());
    }

    @Test
    void theLastDroppedReferenceTombstonesAndPurgeRemovesAfterTheCutoff() throws IOException {
        ShardWrites writes = table.startWrites();
        Manifest m = writeRecord(writes, 1, 10, 11);
        table.commitPut("a", m, 0, writes, NOW);
        Cid shard = m.stripe(0).get(0).cid();
        assertFalse(table.dropReference("b", m.recordCid(), NOW), "b holds no reference");
        assertFalse(table.deleteIfUnreferenced(node, shard), "a committed record uses it");
        assertTrue(table.dropReference("a", m.recordCid(), NOW));
        assertFalse(table.dropReference("a", m.recordCid(), NOW), "already tombstoned");
        assertEquals(0, table.usage("a"));
        assertEquals(Optional.empty(), table.liveManifest(m.recordCid()));
        assertEquals(List.of(), table.liveManifests());
        assertEquals(0, table.purgeTombstonedBefore(NOW.minus(Duration.ofSeconds(1))));
        assertEquals(1, table.purgeTombstonedBefore(NOW));
        assertTrue(table.deleteIfUnreferenced(node, shard));
        assertFalse(table.deleteIfUnreferenced(node, shard), "already gone");
        assertEquals(List.of(), catalog.loadAll());
    }

    @Test
    void aRepairCommitsTheNewPlacementAndDropsTheOldCopy() throws IOException {
        StorageNode other = new StorageNode("m", "e", new LocalDirectoryBackend(tmp.resolve("m")));
        nodes = new StoreNodes(List.of(node, other), 3);
        table = new RecordTable(catalog, QuotaPolicy.unlimited(), nodes);
        ShardWrites writes = table.startWrites();
        Manifest m = writeRecord(writes, 1, 10, 11);
        table.commitPut("a", m, 0, writes, NOW);
        Manifest.ShardRef moved = m.stripe(0).get(1);
        byte[] data = node.backend().get(moved.cid()).orElseThrow();
        ShardWrites repair = table.startWrites();
        assertTrue(repair.write(other, moved.cid(), data, data.length));
        Manifest repaired = m.withPlacement(0, 1, "m");
        table.commitRepair(repaired, repair);
        assertEquals(Optional.of(repaired), table.liveManifest(m.recordCid()));
        assertEquals(Map.of("n", 1, "m", 1), table.shardCounts());
        assertTrue(table.deleteIfUnreferenced(node, moved.cid()), "the old copy is garbage");
        assertEquals(Optional.of(repaired), catalog.load(m.recordCid()).map(CatalogEntry::manifest));
    }
}
