package org.medshare.ledger.replication;

import java.util.ArrayList;
import java.util.List;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * RFC 9162 Merkle tree roots (&sect;2.1.1) and consistency proof generation
 * (&sect;2.1.4.1) over a list of SHA-256 leaf hashes held in memory, for
 * {@link InMemoryMemberLog}; written straight from the RFC, hashing with
 * {@link TreeHasher#sha256()}. Verification is {@link org.medshare.ledger.merkle.MerkleProofs}
 * (see {@link TreeVerifier}), so the tests cross-check this generator against that verifier.
 */
final class Rfc9162 {
    static final TreeHasher HASHER = TreeHasher.sha256();
    static final int HASH_SIZE = HASHER.hashSize();

    private Rfc9162() {}

    /** MTH(D[begin:end]) over leaf hashes. */
    static byte[] root(List<byte[]> leaves, int begin, int end) {
        int n = end - begin;
        if (n == 0) {
            return HASHER.emptyRoot();
        }
        if (n == 1) {
            return leaves.get(begin);
        }
        int k = largestPowerOfTwoBelow(n);
        return HASHER.hashChildren(root(leaves, begin, begin + k), root(leaves, begin + k, end));
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
}
