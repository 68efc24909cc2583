package org.medshare.ledger.tiles;

import static org.junit.jupiter.api.Assertions.*;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.TreeHasher;

/** {@link LogTiles} over an in-memory log, checked against the specification's layout and formulas. */
@Timeout(60)
class TileServingTest {
    static final String ORIGIN = "medshare.test/tiles";
    static final TreeHasher SHA256 = TreeHasher.sha256();
    static CheckpointSigner signer;
    static MemoryLog big;

    @BeforeAll
    static void setUp() throws Exception {
        signer = NoteKeys.generateEd25519(ORIGIN);
        big = new MemoryLog(SHA256);
        for (int i = 0; i < 70_000; i++) {
            big.add(("entry-" + i).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An append-only log in memory: entries and their {@link HashStore}. */
    static final class MemoryLog implements TiledLog {
        final HashStore store;
        final List<byte[]> entries = new ArrayList<>();

        MemoryLog(TreeHasher hasher) {
            store = new HashStore(hasher);
        }

        void add(byte[] entry) {
            entries.add(entry);
            store.appendData(entry);
        }

        @Override
        public TreeHasher hasher() {
            return store.hasher();
        }

        @Override
        public long size() {
            return store.size();
        }

        @Override
        public byte[] node(int level, long index) {
            return store.node(level, index);
        }

        @Override
        public byte[] entry(long index) {
            return entries.get((int) index).clone();
        }

        SignedCheckpoint checkpoint(long size) throws Exception {
            return SignedCheckpoint.sign(new Checkpoint(ORIGIN, size, store.root(size)), signer);
        }

        LogTiles tiles(long size) throws Exception {
            return LogTiles.at(this, checkpoint(size));
        }
    }

    /** Every tile served at {@code tiles.size()}, found by asking for every index and width up to past the edge. */
    static Map<String, Integer> servedTiles(LogTiles tiles) {
        Map<String, Integer> served = new TreeMap<>();
        for (int level = -1; level <= TilePath.MAX_LEVEL; level++) {
            long last = TilePath.completeNodes(Math.max(level, 0), tiles.size()) / TilePath.WIDTH + 2;
            for (long n = 0; n <= last; n++) {
                for (int w = 1; w <= TilePath.WIDTH; w++) {
                    TilePath p = level < 0 ? TilePath.entryBundle(n, w) : TilePath.hashTile(level, n, w);
                    if (tiles.exists(p)) {
                        served.put(p.toString(), w);
                    }
                }
            }
        }
        return served;
    }

    /** MTH(D[begin:end]) straight from RFC 9162 §2.1.1, over precomputed leaf hashes. */
    static byte[] naiveMth(TreeHasher h, List<byte[]> leaves, long begin, long end) {
        if (end - begin == 1) {
            return leaves.get((int) begin);
        }
        long k = 1;
        while (k * 2 < end - begin) {
            k *= 2;
        }
        return h.hashChildren(naiveMth(h, leaves, begin, begin + k), naiveMth(h, leaves, begin + k, end));
    }

    @Test
    void seventyThousandEntriesHaveExactlyTheSpecExampleTiles() throws Exception {
        Map<String, Integer> served = servedTiles(big.tiles(70_000));
        List<String> partial =
                served.keySet().stream().filter(p -> p.contains(".p/")).toList();
        assertEquals(
                List.of("tile/0/273.p/112", "tile/1/001.p/17", "tile/2/000.p/1", "tile/entries/273.p/112"), partial);
        assertEquals(
                273,
                served.keySet().stream()
                        .filter(p -> p.matches("tile/0/[0-9]{3}"))
                        .count());
        assertEquals(
                List.of("tile/1/000"),
                served.keySet().stream()
                        .filter(p -> p.matches("tile/1/[0-9]{3}"))
                        .toList());
        assertEquals(
                273,
                served.keySet().stream()
                        .filter(p -> p.matches("tile/entries/[0-9]{3}"))
                        .count());
        assertEquals(273 + 1 + 1 + 1 + 1 + 273 + 1, served.size());
        assertTrue(served.containsKey("tile/0/272"));
        assertFalse(served.containsKey("tile/0/273"));
    }

    @Test
    void twoHundredFiftySixEntriesAreOneFullTileAndAPartialOneAbove() throws Exception {
        MemoryLog log = new MemoryLog(SHA256);
        for (int i = 0; i < 256; i++) {
            log.add(new byte[] {(byte) i});
        }
        assertEquals(
                List.of("tile/0/000", "tile/1/000.p/1", "tile/entries/000"),
                List.copyOf(servedTiles(log.tiles(256)).keySet()));
        assertEquals(
                List.of("tile/0/000.p/255", "tile/entries/000.p/255"),
                List.copyOf(servedTiles(log.tiles(255)).keySet()));
        assertEquals(
                List.of("tile/0/000.p/1", "tile/entries/000.p/1"),
                List.copyOf(servedTiles(log.tiles(1)).keySet()));
        LogTiles empty = log.tiles(0);
        assertEquals(Map.of(), servedTiles(empty));
        assertArrayEquals(
                empty.checkpoint().format().getBytes(StandardCharsets.UTF_8),
                empty.read("checkpoint").orElseThrow());
    }

    @Test
    void hashTilesHoldTheSpecFormulaHashes() throws Exception {
        LogTiles tiles = big.tiles(70_000);
        List<byte[]> leaves = new ArrayList<>();
        for (byte[] e : big.entries) {
            leaves.add(SHA256.hashLeaf(e));
        }
        List<String> wrong = new ArrayList<>();
        for (String path : List.of(
                "tile/0/000", "tile/0/272", "tile/0/273.p/112", "tile/1/000", "tile/1/001.p/17", "tile/2/000.p/1")) {
            TilePath p = TilePath.parse(path);
            byte[] tile = tiles.read(path).orElseThrow();
            assertEquals(p.width() * 32, tile.length, path);
            long span = 1L << (8 * p.level());
            for (int i = 0; i < p.width(); i++) {
                long start = (p.index() * 256 + i) * span;
                byte[] expected = naiveMth(SHA256, leaves, start, start + span);
                if (!Arrays.equals(expected, Arrays.copyOfRange(tile, i * 32, i * 32 + 32))) {
                    wrong.add(path + " hash " + i);
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void entryBundlesAreLengthPrefixedEntries() throws Exception {
        LogTiles tiles = big.tiles(70_000);
        for (String path : List.of("tile/entries/000", "tile/entries/273.p/112")) {
            TilePath p = TilePath.parse(path);
            byte[] bundle = tiles.read(path).orElseThrow();
            int off = 0;
            for (int i = 0; i < p.width(); i++) {
                int len = ((bundle[off] & 0xff) << 8) | (bundle[off + 1] & 0xff);
                byte[] e = Arrays.copyOfRange(bundle, off + 2, off + 2 + len);
                assertArrayEquals(big.entries.get((int) (p.index() * 256 + i)), e, path + " entry " + i);
                off += 2 + len;
            }
            assertEquals(bundle.length, off, path);
        }
    }

    @Test
    void tilesBeyondTheSizeOrOfAnotherWidthAreNotFound() throws Exception {
        LogTiles tiles = big.tiles(70_000);
        List<String> found = new ArrayList<>();
        for (String path : List.of(
                "tile/0/273",
                "tile/0/273.p/111",
                "tile/0/273.p/113",
                "tile/0/274.p/1",
                "tile/0/274",
                "tile/1/001",
                "tile/1/001.p/16",
                "tile/2/000",
                "tile/3/000.p/1",
                "tile/7/000.p/1",
                "tile/8/000.p/1",
                "tile/63/000.p/1",
                "tile/entries/273",
                "tile/entries/273.p/111",
                "tile/entries/274.p/1",
                "tile/0/x036/x028/x797/x018/x963/967")) {
            if (tiles.read(path).isPresent()) {
                found.add(path);
            }
        }
        assertEquals(List.of(), found);
        // a smaller checkpoint of the same log serves its own right edge, not the log's current one
        LogTiles older = big.tiles(300);
        assertTrue(older.read("tile/0/001.p/44").isPresent());
        assertTrue(older.read("tile/entries/001.p/44").isPresent());
        assertTrue(older.read("tile/0/002").isEmpty());
        assertTrue(older.read("tile/1/000.p/1").isPresent());
    }

    @Test
    void fetcherAnswersCheckpointAndTilesAndNotFoundForTheRest() throws Exception {
        LogTiles tiles = big.tiles(70_000);
        TileFetcher f = tiles.fetcher();
        assertArrayEquals(tiles.checkpoint().format().getBytes(StandardCharsets.UTF_8), f.fetch("checkpoint"));
        assertArrayEquals(tiles.read("tile/1/000").orElseThrow(), f.fetch("tile/1/000"));
        assertThrows(FileNotFoundException.class, () -> f.fetch("tile/0/273"));
        FileNotFoundException malformed = assertThrows(FileNotFoundException.class, () -> f.fetch("tile/0/x000/001"));
        assertTrue(malformed.getMessage().contains("x000"), malformed.getMessage());
        assertThrows(MalformedTilePathException.class, () -> tiles.read("tile/00/000"));
        assertThrows(MalformedTilePathException.class, () -> tiles.read("checkpoint/"));
    }

    @Test
    void aCheckpointThatIsNotTheLogsIsRefused() throws Exception {
        SignedCheckpoint beyond = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 70_001, new byte[32]), signer);
        assertThrows(IllegalArgumentException.class, () -> LogTiles.at(big, beyond));
        byte[] root = big.store.root(1000);
        root[0] ^= 1;
        SignedCheckpoint wrongRoot = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 1000, root), signer);
        assertThrows(IllegalArgumentException.class, () -> LogTiles.at(big, wrongRoot));
        SignedCheckpoint otherSize = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 999, big.store.root(1000)), signer);
        assertThrows(IllegalArgumentException.class, () -> LogTiles.at(big, otherSize));
    }

    @Test
    void anEntryTooLongForItsU16LengthIsNotServed() throws Exception {
        MemoryLog log = new MemoryLog(SHA256);
        log.add(new byte[LogTiles.MAX_ENTRY_BYTES]);
        log.add(new byte[LogTiles.MAX_ENTRY_BYTES + 1]);
        byte[] one = log.tiles(1).read("tile/entries/000.p/1").orElseThrow();
        assertEquals(2 + LogTiles.MAX_ENTRY_BYTES, one.length);
        assertEquals((byte) 0xff, one[0]);
        assertEquals((byte) 0xff, one[1]);
        LogTiles two = log.tiles(2);
        IOException e = assertThrows(IOException.class, () -> two.read("tile/entries/000.p/2"));
        assertTrue(e.getMessage().contains("entry 1 is 65536 bytes"), e.getMessage());
        assertTrue(two.read("tile/0/000.p/2").isPresent());
    }
}
