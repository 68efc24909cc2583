package org.medshare.ledger.merkle;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.merkle.InvalidProofException.Reason;

class MerkleTreeTest {
    private static final TreeHasher H = TreeHasher.sha256();

    /** RFC 6962 §2.1.3 reference leaves (as used by transparency-dev/merkle and Certificate Transparency). */
    static final List<byte[]> RFC_LEAVES = List.of(
            new byte[0],
            hex("00"),
            hex("10"),
            hex("2021"),
            hex("3031"),
            hex("40414243"),
            hex("5051525354555657"),
            hex("606162636465666768696a6b6c6d6e6f"));

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void knownRootsOfTheReferenceTree() {
        // Roots for sizes 1..8 published with RFC 6962's test tree (transparency-dev/merkle rfc6962 tests).
        String[] roots = {
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
        };
        HashStore store = new HashStore(H);
        assertArrayEquals(hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), store.root(0));
        for (int i = 0; i < 8; i++) {
            store.appendData(RFC_LEAVES.get(i));
            assertEquals(roots[i], HexFormat.of().formatHex(store.root(i + 1)), "root of size " + (i + 1));
            assertArrayEquals(ReferenceMerkle.mth(RFC_LEAVES.subList(0, i + 1)), store.root(i + 1));
        }
    }

    @Test
    void fastTreeMatchesNaiveReferenceOnRandomTrees() throws Exception {
        Random rnd = new Random(9162);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + rnd.nextInt(trial < 20 ? 40 : 160);
            List<byte[]> leaves = new ArrayList<>();
            HashStore store = new HashStore(H);
            for (int i = 0; i < n; i++) {
                byte[] d = new byte[rnd.nextInt(20)];
                rnd.nextBytes(d);
                leaves.add(d);
                store.appendData(d);
            }
            for (int size = 1; size <= n; size += 1 + rnd.nextInt(4)) {
                List<byte[]> prefix = leaves.subList(0, size);
                byte[] root = ReferenceMerkle.mth(prefix);
                assertArrayEquals(root, store.root(size), "root n=" + size);
                for (int m = 0; m < size; m += 1 + rnd.nextInt(3)) {
                    List<byte[]> proof = store.inclusionProof(m, size);
                    assertTrue(
                            ReferenceMerkle.same(ReferenceMerkle.path(m, prefix), proof),
                            "PATH(" + m + ", " + size + ")");
                    assertEquals(proof.size(), MerkleProofs.inclusionProofLength(m, size));
                    MerkleProofs.verifyInclusion(H, m, size, store.leafHash(m), proof, root);
                }
                for (int m = 0; m <= size; m += 1 + rnd.nextInt(3)) {
                    List<byte[]> proof = store.consistencyProof(m, size);
                    assertTrue(
                            ReferenceMerkle.same(ReferenceMerkle.proof(m, prefix), proof),
                            "PROOF(" + m + ", " + size + ")");
                    if (m > 0 && m < size) {
                        assertEquals(proof.size(), MerkleProofs.consistencyProofLength(m, size));
                    }
                    MerkleProofs.verifyConsistency(
                            H,
                            m,
                            size,
                            m == 0 ? H.emptyRoot() : ReferenceMerkle.mth(leaves.subList(0, m)),
                            root,
                            proof);
                }
            }
        }
    }

    @Test
    void everySingleBitFlipInAProofIsRejected() throws Exception {
        HashStore store = new HashStore(H);
        for (int i = 0; i < 13; i++) {
            store.appendData(new byte[] {(byte) i});
        }
        byte[] root13 = store.root(13);
        byte[] root6 = store.root(6);
        List<byte[]> inc = store.inclusionProof(5, 13);
        List<byte[]> con = store.consistencyProof(6, 13);
        for (int i = 0; i < inc.size(); i++) {
            for (int bit = 0; bit < 256; bit += 7) {
                List<byte[]> bad = flip(inc, i, bit);
                InvalidProofException e = assertThrows(
                        InvalidProofException.class,
                        () -> MerkleProofs.verifyInclusion(H, 5, 13, store.leafHash(5), bad, root13),
                        "modified-proof[" + i + "]-bit-" + bit);
                assertEquals(Reason.ROOT_MISMATCH, e.reason());
                assertArrayEquals(root13, e.expectedRoot());
                assertNotNull(e.computedRoot());
            }
        }
        for (int i = 0; i < con.size(); i++) {
            for (int bit = 0; bit < 256; bit += 7) {
                List<byte[]> bad = flip(con, i, bit);
                assertThrows(
                        InvalidProofException.class,
                        () -> MerkleProofs.verifyConsistency(H, 6, 13, root6, root13, bad),
                        "modified-proof[" + i + "]-bit-" + bit);
            }
        }
    }

    @Test
    void refusalsAreTyped() {
        HashStore store = new HashStore(H);
        for (int i = 0; i < 8; i++) {
            store.appendData(RFC_LEAVES.get(i));
        }
        byte[] root = store.root(8);
        List<byte[]> proof = store.inclusionProof(3, 8);
        assertEquals(
                Reason.OUT_OF_RANGE,
                assertThrows(
                                InvalidProofException.class,
                                () -> MerkleProofs.verifyInclusion(H, 8, 8, store.leafHash(3), proof, root))
                        .reason());
        List<byte[]> longer = new ArrayList<>(proof);
        longer.add(new byte[32]);
        assertEquals(
                Reason.WRONG_PROOF_LENGTH,
                assertThrows(
                                InvalidProofException.class,
                                () -> MerkleProofs.verifyInclusion(H, 3, 8, store.leafHash(3), longer, root))
                        .reason());
        List<byte[]> shortHash = new ArrayList<>(proof);
        shortHash.set(0, new byte[31]);
        assertEquals(
                Reason.MALFORMED_HASH,
                assertThrows(
                                InvalidProofException.class,
                                () -> MerkleProofs.verifyInclusion(H, 3, 8, store.leafHash(3), shortHash, root))
                        .reason());
        assertEquals(
                Reason.OUT_OF_RANGE,
                assertThrows(
                                InvalidProofException.class,
                                () -> MerkleProofs.verifyConsistency(H, 9, 8, root, root, List.of()))
                        .reason());
        assertEquals(
                Reason.ROOT_MISMATCH,
                assertThrows(
                                InvalidProofException.class,
                                () -> MerkleProofs.verifyConsistency(H, 8, 8, root, store.root(7), List.of()))
                        .reason());
        assertThrows(IllegalArgumentException.class, () -> store.inclusionProof(0, 9));
        assertThrows(IllegalArgumentException.class, () -> ProofBuilder.inclusion(-1, 4));
    }

    @Test
    void sm3TreeDiffersFromSha256AndVerifies() throws Exception {
        TreeHasher sm3 = TreeHasher.sm3();
        // GB/T 32905-2016 Appendix A example 1: SM3("abc"); and SM3("") as the empty root.
        assertEquals(
                "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
                HexFormat.of().formatHex(sm3digest("abc")));
        assertEquals(
                "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b",
                HexFormat.of().formatHex(sm3.emptyRoot()));
        byte[] leaf = sm3.hashLeaf(new byte[] {7});
        byte[] manual = new byte[32];
        SM3Digest d = new SM3Digest();
        d.update(new byte[] {0, 7}, 0, 2);
        d.doFinal(manual, 0);
        assertArrayEquals(manual, leaf);
        HashStore a = new HashStore(sm3);
        HashStore b = new HashStore(H);
        for (int i = 0; i < 21; i++) {
            a.appendData(new byte[] {(byte) i});
            b.appendData(new byte[] {(byte) i});
        }
        assertFalse(Arrays.equals(a.root(21), b.root(21)));
        MerkleProofs.verifyInclusion(sm3, 17, 21, a.leafHash(17), a.inclusionProof(17, 21), a.root(21));
        MerkleProofs.verifyConsistency(sm3, 9, 21, a.root(9), a.root(21), a.consistencyProof(9, 21));
        assertThrows(
                InvalidProofException.class,
                () -> MerkleProofs.verifyInclusion(H, 17, 21, a.leafHash(17), a.inclusionProof(17, 21), a.root(21)));
    }

    private static byte[] sm3digest(String s) {
        SM3Digest d = new SM3Digest();
        byte[] in = s.getBytes(StandardCharsets.US_ASCII);
        d.update(in, 0, in.length);
        byte[] out = new byte[32];
        d.doFinal(out, 0);
        return out;
    }

    private static List<byte[]> flip(List<byte[]> proof, int i, int bit) {
        List<byte[]> out = new ArrayList<>();
        for (byte[] p : proof) {
            out.add(p.clone());
        }
        out.get(i)[bit / 8] ^= (byte) (1 << (bit % 8));
        return out;
    }
}
