package org.medshare.ledger.tiles;

import static org.junit.jupiter.api.Assertions.*;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.TreeHasher;

/** {@link TileVerifier} reading a real {@link AuditLog} through {@link LogTiles}, honest and tampered. */
@Timeout(180)
class TileVerifierTest {
    static final String ORIGIN = "medshare.test/ledger";
    static final long BIG = 65_536 + 300;
    static final long[] SIZES = {0, 1, 255, 256, 257, 600, BIG};

    @TempDir
    static Path dir;

    static CheckpointSigner signer;
    static AuditLog log;
    static final Map<Long, SignedCheckpoint> checkpoints = new LinkedHashMap<>();

    static Event event(int i) {
        return Event.upload(
                1_764_000_000_000L + i,
                "hospital-a",
                "rec-" + i,
                SaltedHash.sha256(("c" + i).getBytes()),
                SaltedHash.sha256(("p" + i).getBytes()));
    }

    static AuditLog open(Path d, LedgerSuite suite, CheckpointSigner s) throws Exception {
        return AuditLog.open(
                d,
                AuditLogConfig.builder(suite, ORIGIN, s)
                        .checkpointEvery(1 << 20, Duration.ofSeconds(60))
                        .build());
    }

    /** Appends events {@code from .. to - 1} (event {@code i} unless {@code rewrite} replaces it). */
    static void append(AuditLog l, int from, int to, UnaryOperator<Integer> rewrite) throws IOException {
        for (int start = from; start < to; start += 4096) {
            List<Event> batch = new ArrayList<>();
            for (int i = start; i < Math.min(to, start + 4096); i++) {
                batch.add(event(rewrite.apply(i)));
            }
            l.appendAll(batch);
        }
    }

    @BeforeAll
    static void buildLog() throws Exception {
        signer = LedgerSuite.NIST.generateSigner(ORIGIN);
        log = open(dir.resolve("a"), LedgerSuite.NIST, signer);
        checkpoints.put(
                0L, SignedCheckpoint.sign(new Checkpoint(ORIGIN, 0, log.hasher().emptyRoot()), signer));
        for (long s : SIZES) {
            if (s > 0) {
                append(log, (int) log.size(), (int) s, i -> i);
                SignedCheckpoint cp = log.checkpointNow();
                assertEquals(s, cp.checkpoint().size());
                checkpoints.put(s, cp);
            }
        }
    }

    @AfterAll
    static void closeLog() throws IOException {
        log.close();
    }

    static LogTiles served(long size) {
        return LogTiles.at(TiledLog.of(log), checkpoints.get(size));
    }

    static TileVerifier verifier(TileFetcher f) {
        return new TileVerifier(ORIGIN, TreeHasher.sha256(), List.of(signer.verifier()), f);
    }

    /** Remembers every path fetched through it. */
    static final class Recording implements TileFetcher {
        final TileFetcher inner;
        final Set<String> paths = new LinkedHashSet<>();

        Recording(TileFetcher inner) {
            this.inner = inner;
        }

        @Override
        public byte[] fetch(String path) throws IOException {
            paths.add(path);
            return inner.fetch(path);
        }
    }

    /** Serves {@code inner}, with the resource at {@code path} replaced by {@code mutation} of it. */
    static TileFetcher tampered(TileFetcher inner, String path, UnaryOperator<byte[]> mutation) {
        return p -> p.equals(path) ? mutation.apply(inner.fetch(p)) : inner.fetch(p);
    }

    /** Reads the whole tree: the latest checkpoint, every entry bundle, and (for small trees) every entry. */
    static VerifiedTree walk(TileFetcher f) throws Exception {
        VerifiedTree tree = verifier(f).latest();
        for (long b = 0; b * 256 < tree.size(); b++) {
            tree.entryBundle(b);
        }
        for (long i = 0; i < tree.size() && tree.size() <= 600; i++) {
            tree.entry(i);
        }
        return tree;
    }

    @Test
    void everySizeIsReadTileByTileAndEveryTileReproducesTheRoot() throws Exception {
        for (long s : SIZES) {
            LogTiles server = served(s);
            Recording f = new Recording(server.fetcher());
            VerifiedTree tree = verifier(f).latest();
            assertEquals(s, tree.size());
            assertArrayEquals(log.root(s), tree.root(), "size " + s);
            for (long b = 0; b * 256 < s; b++) {
                List<byte[]> entries = tree.entryBundle(b);
                for (int i = 0; i < entries.size(); i++) {
                    assertArrayEquals(log.readEncoded(b * 256 + i), entries.get(i), "size " + s + " entry " + i);
                }
            }
            Set<String> expected =
                    new TreeSet<>(TileServingTest.servedTiles(server).keySet());
            expected.add(TilePath.CHECKPOINT);
            assertEquals(expected, new TreeSet<>(f.paths), "size " + s);

            long[] sample = s <= 600
                    ? java.util.stream.LongStream.range(0, s).toArray()
                    : new long[] {0, 1, 255, 256, 65_535, 65_536, 65_791, 65_792, BIG - 1};
            for (long i : sample) {
                assertArrayEquals(log.readEncoded(i), tree.entry(i), "size " + s + " entry " + i);
                InclusionProof fromTiles = tree.inclusionProof(i);
                List<byte[]> fromLog = log.inclusionProof(i, s).hashes();
                assertEquals(fromLog.size(), fromTiles.hashes().size());
                for (int k = 0; k < fromLog.size(); k++) {
                    assertArrayEquals(fromLog.get(k), fromTiles.hashes().get(k), "size " + s + " entry " + i);
                }
            }
        }
    }

    @Test
    void nodeHashesFromTilesAreTheLogsOwn() throws Exception {
        VerifiedTree tree = verifier(served(BIG).fetcher()).latest();
        int[][] nodes = {
            {16, 0}, {8, 0}, {8, 255}, {8, 256}, {9, 127}, {10, 63}, {7, 513}, {0, 0}, {0, 65_835}, {3, 8_228}, {15, 1}
        };
        for (int[] n : nodes) {
            assertArrayEquals(log.nodeHash(n[0], n[1]), tree.nodeHash(n[0], n[1]), n[0] + "," + n[1]);
        }
        assertThrows(IllegalArgumentException.class, () -> tree.nodeHash(16, 1));
        assertThrows(IllegalArgumentException.class, () -> tree.nodeHash(8, 257));
        assertThrows(IllegalArgumentException.class, () -> tree.nodeHash(7, 514));
        assertThrows(IllegalArgumentException.class, () -> tree.nodeHash(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> tree.entry(BIG));
        assertThrows(IllegalArgumentException.class, () -> tree.entryBundle(258));
        assertThrows(IllegalArgumentException.class, () -> log.nodeHash(16, 1));
        assertThrows(IllegalArgumentException.class, () -> log.nodeHash(8, 257));
        assertThrows(IllegalArgumentException.class, () -> log.nodeHash(63, 0));
        assertThrows(IllegalArgumentException.class, () -> log.nodeHash(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> log.nodeHash(0, -1));
    }

    @Test
    void everyOlderCheckpointIsConsistentWithEveryNewerOneFromTilesAlone() throws Exception {
        for (long newer : SIZES) {
            Recording f = new Recording(served(newer).fetcher());
            TileVerifier v = verifier(f);
            for (long older : SIZES) {
                if (older <= newer) {
                    VerifiedTree tree = v.verifyConsistency(checkpoints.get(older), checkpoints.get(newer));
                    assertEquals(newer, tree.size());
                } else {
                    TileVerificationException e = assertThrows(
                            TileVerificationException.class,
                            () -> v.verifyConsistency(checkpoints.get(older), checkpoints.get(newer)));
                    assertTrue(e.getMessage().contains("smaller"), e.getMessage());
                }
            }
            assertFalse(f.paths.stream().anyMatch(p -> p.startsWith("tile/entries/")), "entries are not needed");
        }
    }

    /** Every byte-level mutation of every resource of a 600-entry tree is refused as evidence, never accepted. */
    @Test
    void everyTamperedOrTruncatedResourceIsRefused() throws Exception {
        LogTiles server = served(600);
        TileFetcher honest = server.fetcher();
        walk(honest);
        Map<String, UnaryOperator<byte[]>> mutations = new LinkedHashMap<>();
        mutations.put("flip-first-byte-bit-0", b -> flip(b, 0, 0));
        mutations.put("flip-middle-byte-bit-3", b -> flip(b, b.length / 2, 3));
        mutations.put("flip-last-byte-bit-7", b -> flip(b, b.length - 1, 7));
        mutations.put("truncated-by-one", b -> Arrays.copyOf(b, b.length - 1));
        mutations.put("truncated-to-half", b -> Arrays.copyOf(b, b.length / 2));
        mutations.put("trailing-zero-byte", b -> Arrays.copyOf(b, b.length + 1));
        mutations.put("empty", b -> new byte[0]);
        List<String> paths = new ArrayList<>(TileServingTest.servedTiles(server).keySet());
        paths.add(TilePath.CHECKPOINT);
        assertEquals(8, paths.size(), paths.toString());
        List<String> accepted = new ArrayList<>();
        for (String path : paths) {
            for (Map.Entry<String, UnaryOperator<byte[]>> m : mutations.entrySet()) {
                String id = path + " " + m.getKey();
                try {
                    walk(tampered(honest, path, m.getValue()));
                    accepted.add(id);
                } catch (TileVerificationException e) {
                    if (e.getMessage().contains("\n")) {
                        accepted.add(id + " (message of several lines)");
                    }
                } catch (Exception e) {
                    accepted.add(id + " (" + e + ")");
                }
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void tamperedTilesAtEveryLevelOfTheBigTreeAreRefused() throws Exception {
        TileFetcher honest = served(BIG).fetcher();
        List<String> accepted = new ArrayList<>();
        for (String path : List.of(
                "tile/0/000",
                "tile/0/100",
                "tile/0/255",
                "tile/0/256",
                "tile/0/257.p/44",
                "tile/1/000",
                "tile/1/001.p/1",
                "tile/2/000.p/1",
                "tile/entries/100",
                "tile/entries/257.p/44")) {
            for (int pos : new int[] {0, 4_000, 8_191}) {
                try {
                    TileFetcher f = tampered(honest, path, b -> flip(b, Math.min(pos, b.length - 1), 0));
                    VerifiedTree tree = verifier(f).latest();
                    for (long b : new long[] {0, 100, 255, 256, 257}) {
                        tree.entryBundle(b);
                    }
                    accepted.add(path + " byte " + pos);
                } catch (TileVerificationException e) {
                    // refused, as it must be
                }
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void aWrongEntryBundleIsRefused() throws Exception {
        LogTiles server = served(BIG);
        TileFetcher honest = server.fetcher();
        byte[] bundle0 = honest.fetch("tile/entries/000");
        byte[] bundle1 = honest.fetch("tile/entries/001");
        Map<String, TileFetcher> cases = new LinkedHashMap<>();
        cases.put("next-bundle", tampered(honest, "tile/entries/000", b -> bundle1));
        cases.put("first-two-entries-swapped", tampered(honest, "tile/entries/000", b -> swapFirstTwo(b)));
        cases.put("one-entry-short", tampered(honest, "tile/entries/000", b -> dropLast(b)));
        cases.put(
                "an-entry-more",
                tampered(honest, "tile/entries/257.p/44", b -> concat(b, Arrays.copyOf(bundle0, 2 + bundle0[1]))));
        cases.put("full-bundle-for-partial", tampered(honest, "tile/entries/257.p/44", b -> bundle0));
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, TileFetcher> c : cases.entrySet()) {
            VerifiedTree tree = verifier(c.getValue()).latest();
            long bundle = c.getKey().equals("an-entry-more") || c.getKey().equals("full-bundle-for-partial") ? 257 : 0;
            try {
                tree.entryBundle(bundle);
                accepted.add(c.getKey() + " bundle");
            } catch (TileVerificationException e) {
                // refused, as it must be
            }
            try {
                tree.entry(bundle * 256 + 1);
                accepted.add(c.getKey() + " entry");
            } catch (TileVerificationException e) {
                // refused, as it must be
            }
            tree.entryBundle(bundle == 0 ? 257 : 0);
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void aCheckpointOfARewrittenLogIsRefused() throws Exception {
        try (AuditLog rewritten = open(dir.resolve("rewritten"), LedgerSuite.NIST, signer)) {
            append(rewritten, 0, 600, i -> i == 100 ? 1_000_000 : i);
            SignedCheckpoint b600 = rewritten.checkpointNow();
            append(rewritten, 600, 700, i -> i);
            SignedCheckpoint b700 = rewritten.checkpointNow();
            TileVerifier atB700 =
                    verifier(LogTiles.at(TiledLog.of(rewritten), b700).fetcher());
            // the same key signed it, but it does not extend what the client trusted
            for (long older : new long[] {257, 600}) {
                TileVerificationException e = assertThrows(
                        TileVerificationException.class, () -> atB700.verifyConsistency(checkpoints.get(older), b700));
                assertTrue(
                        e.getMessage().contains("not consistent with the trusted checkpoint size " + older),
                        e.getMessage());
            }
            // the prefix before the rewritten entry is still consistent
            assertEquals(
                    700, atB700.verifyConsistency(checkpoints.get(1L), b700).size());
            assertEquals(
                    700, atB700.verifyConsistency(checkpoints.get(0L), b700).size());
            // the trusted checkpoint against the rewritten log's tiles of the same size
            TileVerifier atB600 =
                    verifier(LogTiles.at(TiledLog.of(rewritten), b600).fetcher());
            TileVerificationException e =
                    assertThrows(TileVerificationException.class, () -> atB600.verify(checkpoints.get(600L)));
            assertTrue(e.getMessage().contains("do not reproduce the root"), e.getMessage());
            assertThrows(TileVerificationException.class, () -> atB600.verifyConsistency(checkpoints.get(600L), b600));
        }
    }

    @Test
    void untrustedSignaturesOriginsAndRootsAreRefused() throws Exception {
        SignedCheckpoint cp = checkpoints.get(257L);
        CheckpointSigner stranger = LedgerSuite.NIST.generateSigner(ORIGIN);
        SignedCheckpoint byStranger = SignedCheckpoint.sign(cp.checkpoint(), stranger);
        TileVerifier strangerServed =
                verifier(LogTiles.at(TiledLog.of(log), byStranger).fetcher());
        TileVerificationException e = assertThrows(TileVerificationException.class, strangerServed::latest);
        assertTrue(e.getMessage().contains("no signature from a trusted key"), e.getMessage());

        TileVerifier otherOrigin = new TileVerifier(
                "medshare.test/other",
                TreeHasher.sha256(),
                List.of(signer.verifier()),
                served(257).fetcher());
        e = assertThrows(TileVerificationException.class, otherOrigin::latest);
        assertTrue(e.getMessage().contains("origin"), e.getMessage());

        SignedCheckpoint emptyWithRoot = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 0, log.root(1)), signer);
        TileVerifier v = verifier(served(257).fetcher());
        assertThrows(TileVerificationException.class, () -> v.verifyConsistency(emptyWithRoot, cp));
        assertThrows(TileVerificationException.class, () -> v.verify(emptyWithRoot));

        byte[] wrongRoot = log.root(257);
        wrongRoot[31] ^= 1;
        SignedCheckpoint forged = SignedCheckpoint.sign(new Checkpoint(ORIGIN, 257, wrongRoot), signer);
        e = assertThrows(TileVerificationException.class, () -> v.verify(forged));
        assertTrue(
                e.getMessage().startsWith("tiles [tile/0/001.p/1, tile/1/000.p/1] do not reproduce"), e.getMessage());
        assertEquals(257, v.verify(cp).size());
    }

    @Test
    void aTileTheServerNoLongerHasIsAnIoErrorNotEvidence() throws Exception {
        TileVerifier v = verifier(served(600).fetcher());
        assertThrows(FileNotFoundException.class, () -> v.verify(checkpoints.get(257L)));
        assertEquals(
                600,
                v.verifyConsistency(checkpoints.get(257L), checkpoints.get(600L))
                        .size());
        TileVerifier failing = verifier(p -> {
            throw new IOException("connection reset");
        });
        assertThrows(IOException.class, failing::latest);
    }

    @Test
    void theGmSuiteServesAndVerifiesSm3Tiles() throws Exception {
        CheckpointSigner sm2 = LedgerSuite.GM.generateSigner(ORIGIN);
        try (AuditLog gm = open(dir.resolve("gm"), LedgerSuite.GM, sm2)) {
            append(gm, 0, 300, i -> i);
            SignedCheckpoint cp = gm.checkpointNow();
            TileFetcher f = LogTiles.at(TiledLog.of(gm), cp).fetcher();
            VerifiedTree tree = new TileVerifier(ORIGIN, TreeHasher.sm3(), List.of(sm2.verifier()), f).latest();
            assertArrayEquals(gm.root(300), tree.root());
            assertArrayEquals(gm.readEncoded(299), tree.entry(299));
            assertArrayEquals(gm.readEncoded(7), tree.entryBundle(0).get(7));
            TileVerificationException e = assertThrows(
                    TileVerificationException.class,
                    () -> new TileVerifier(ORIGIN, TreeHasher.sha256(), List.of(sm2.verifier()), f).latest());
            assertTrue(e.getMessage().contains("do not reproduce the root"), e.getMessage());
        }
    }

    static byte[] flip(byte[] b, int pos, int bit) {
        byte[] c = b.clone();
        if (c.length > 0) {
            c[pos] ^= (byte) (1 << bit);
        }
        return c;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Offsets of the entries of a bundle. */
    static List<Integer> offsets(byte[] bundle) {
        List<Integer> out = new ArrayList<>();
        for (int off = 0; off < bundle.length; off += 2 + (((bundle[off] & 0xff) << 8) | (bundle[off + 1] & 0xff))) {
            out.add(off);
        }
        return out;
    }

    static byte[] swapFirstTwo(byte[] bundle) {
        List<Integer> o = offsets(bundle);
        byte[] first = Arrays.copyOfRange(bundle, o.get(0), o.get(1));
        byte[] second = Arrays.copyOfRange(bundle, o.get(1), o.get(2));
        return concat(concat(second, first), Arrays.copyOfRange(bundle, o.get(2), bundle.length));
    }

    static byte[] dropLast(byte[] bundle) {
        List<Integer> o = offsets(bundle);
        return Arrays.copyOf(bundle, o.get(o.size() - 1));
    }
}
