package org.medshare.enclave.stats;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.medshare.enclave.Sha256;

/**
 * SHA-256 Merkle tree hash over record ids, with the structure and domain separation of RFC 9162
 * §2.1.1: {@code MTH({}) = SHA-256()}, {@code leaf = SHA-256(0x00 || id UTF-8)},
 * {@code node = SHA-256(0x01 || left || right)}, split at the largest power of two smaller than n.
 * Ids are sorted (String natural order) and de-duplicated first, so the root identifies the set.
 */
public final class MerkleTree {
    private MerkleTree() {}

    /** Root over the sorted, distinct ids. */
    public static byte[] rootOf(Collection<String> recordIds) {
        List<String> ids = new ArrayList<>(new TreeSet<>(recordIds));
        List<byte[]> leaves = new ArrayList<>(ids.size());
        for (String id : ids) {
            leaves.add(Sha256.hash(new byte[] {0}, id.getBytes(StandardCharsets.UTF_8)));
        }
        if (leaves.isEmpty()) {
            return Sha256.hash();
        }
        return mth(leaves, 0, leaves.size());
    }

    private static byte[] mth(List<byte[]> leaves, int from, int to) {
        int n = to - from;
        if (n == 1) {
            return leaves.get(from);
        }
        int k = Integer.highestOneBit(n - 1);
        return Sha256.hash(new byte[] {1}, mth(leaves, from, from + k), mth(leaves, from + k, to));
    }
}
