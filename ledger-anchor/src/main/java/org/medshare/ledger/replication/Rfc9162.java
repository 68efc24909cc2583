package org.medshare.ledger.replication;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 9162 Merkle tree hashing with SHA-256 (&sect;2.1.1) and consistency proof
 * generation (&sect;2.1.4.1) over a list of leaf hashes held in memory, for
 * {@link InMemoryMemberLog}; written straight from the RFC. Verification is
 * {@link org.medshare.ledger.merkle.MerkleProofs} (see {@link TreeVerifier}), so the
 * tests cross-check this generator against that verifier.
 */
final class Rfc9162 {
    static final int HASH_SIZE = 32;
    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;

    private Rfc9162() {
    }

    static byte[] leafHash(byte[] entry) {
        MessageDigest md = sha256();
        md.update(LEAF_PREFIX);
        md.update(entry);
        return md.digest();
    }

    static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest md = sha256();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    static byte[] emptyRoot() {
        return sha256().digest();
    }

    /** MTH(D[begin:end]) over leaf hashes. */
    static byte[] root(List<byte[]> leaves, int begin, int end) {
        int n = end - begin;
        if (n == 0) {
            return emptyRoot();
        }
        if (n == 1) {
            return leaves.get(begin);
        }
        int k = largestPowerOfTwoBelow(n);
        return nodeHash(root(leaves, begin, begin + k), root(leaves, begin + k, end));
    }

    /** PROOF(m, D[0:n]) of RFC 9162 &sect;2.1.4.1; requires 0 &lt; m &lt;= n. */
    static List<byte[]> consistencyProof(List<byte[]> leaves, int m, int n) {
        if (m <= 0 || m > n || n > leaves.size()) {
            throw new IllegalArgumentException("consistency proof needs 0 < m <= n <= size: " + m + ", " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(leaves, m, 0, n, true, proof);
        return proof;
    }

    private static void subproof(List<byte[]> leaves, int m, int begin, int end, boolean complete, List<byte[]> out) {
        int n = end - begin;
        if (m == n) {
            if (!complete) {
                out.add(root(leaves, begin, end));
            }
            return;
        }
        int k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(leaves, m, begin, begin + k, complete, out);
            out.add(root(leaves, begin + k, end));
        } else {
            subproof(leaves, m - k, begin + k, end, false, out);
            out.add(root(leaves, begin, begin + k));
        }
    }

    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
