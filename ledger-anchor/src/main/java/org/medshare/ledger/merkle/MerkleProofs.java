package org.medshare.ledger.merkle;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.medshare.ledger.merkle.InvalidProofException.Reason;

/**
 * Pure RFC 9162 proof functions: verification of inclusion (§2.1.3.2) and consistency (§2.1.4.2)
 * proofs, and assembly of proofs from stored hashes. No state, no I/O; safe from any thread.
 */
public final class MerkleProofs {
    private MerkleProofs() {}

    /**
     * Verifies that {@code leafHash} is the leaf at {@code index} of the tree of {@code size} leaves
     * whose root is {@code root} (RFC 9162 §2.1.3.2).
     *
     * <p>Requires {@code 0 <= index < size}; all hashes must be {@code hasher.hashSize()} bytes.
     *
     * @throws InvalidProofException with reason OUT_OF_RANGE, WRONG_PROOF_LENGTH, MALFORMED_HASH or
     *     ROOT_MISMATCH (carrying expected and computed roots)
     */
    public static void verifyInclusion(
            TreeHasher hasher, long index, long size, byte[] leafHash, List<byte[]> proof, byte[] root)
            throws InvalidProofException {
        if (index < 0 || index >= size) {
            throw new InvalidProofException(
                    Reason.OUT_OF_RANGE,
                    "inclusion proof requires 0 <= index < size, got index " + index + ", size " + size);
        }
        checkHash(hasher, leafHash, "leaf hash");
        checkHash(hasher, root, "root");
        int expectedLength = inclusionProofLength(index, size);
        if (proof.size() != expectedLength) {
            throw new InvalidProofException(
                    Reason.WRONG_PROOF_LENGTH,
                    "inclusion proof for index " + index + " in size " + size + " must have " + expectedLength
                            + " elements, has " + proof.size());
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : proof) {
            checkHash(hasher, p, "proof element");
            if (sn == 0) {
                throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "inclusion proof too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = hasher.hashChildren(p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = hasher.hashChildren(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "inclusion proof too short");
        }
        if (!MessageDigest.isEqual(r, root)) {
            throw new InvalidProofException(
                    Reason.ROOT_MISMATCH,
                    "inclusion proof for index " + index + " in size " + size + " does not match",
                    root,
                    r);
        }
    }

    /**
     * Verifies that the tree of {@code size1} leaves with root {@code root1} is a prefix of the tree
     * of {@code size2} leaves with root {@code root2} (RFC 9162 §2.1.4.2). Requires
     * {@code 0 <= size1 <= size2}. When {@code size1 == size2} the proof must be empty and the roots
     * equal; when {@code size1 == 0} the proof must be empty (every tree extends the empty tree).
     *
     * @throws InvalidProofException as for {@link #verifyInclusion}
     */
    public static void verifyConsistency(
            TreeHasher hasher, long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof)
            throws InvalidProofException {
        if (size1 < 0 || size2 < size1) {
            throw new InvalidProofException(
                    Reason.OUT_OF_RANGE, "consistency proof requires 0 <= size1 <= size2, got " + size1 + ", " + size2);
        }
        checkHash(hasher, root1, "first root");
        checkHash(hasher, root2, "second root");
        if (size1 == size2) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "equal sizes need an empty proof");
            }
            if (!MessageDigest.isEqual(root1, root2)) {
                throw new InvalidProofException(
                        Reason.ROOT_MISMATCH, "trees of equal size " + size1 + " have different roots", root1, root2);
            }
            return;
        }
        if (size1 == 0) {
            if (!proof.isEmpty()) {
                throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "size1 = 0 needs an empty proof");
            }
            return;
        }
        int expectedLength = consistencyProofLength(size1, size2);
        if (proof.size() != expectedLength) {
            throw new InvalidProofException(
                    Reason.WRONG_PROOF_LENGTH,
                    "consistency proof " + size1 + " -> " + size2 + " must have " + expectedLength + " elements, has "
                            + proof.size());
        }
        for (byte[] p : proof) {
            checkHash(hasher, p, "proof element");
        }
        List<byte[]> path = proof;
        if (Long.bitCount(size1) == 1) {
            path = new ArrayList<>(proof.size() + 1);
            path.add(root1);
            path.addAll(proof);
        }
        long fn = size1 - 1;
        long sn = size2 - 1;
        while ((fn & 1) == 1) {
            fn >>= 1;
            sn >>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (int i = 1; i < path.size(); i++) {
            byte[] c = path.get(i);
            if (sn == 0) {
                throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "consistency proof too long");
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = hasher.hashChildren(c, fr);
                sr = hasher.hashChildren(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                sr = hasher.hashChildren(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new InvalidProofException(Reason.WRONG_PROOF_LENGTH, "consistency proof too short");
        }
        if (!MessageDigest.isEqual(fr, root1)) {
            throw new InvalidProofException(
                    Reason.ROOT_MISMATCH,
                    "consistency proof does not reproduce the first root (size " + size1 + ")",
                    root1,
                    fr);
        }
        if (!MessageDigest.isEqual(sr, root2)) {
            throw new InvalidProofException(
                    Reason.ROOT_MISMATCH,
                    "consistency proof does not reproduce the second root (size " + size2 + ")",
                    root2,
                    sr);
        }
    }

    /** The number of elements of PATH(index, D[size]); requires {@code 0 <= index < size}. */
    public static int inclusionProofLength(long index, long size) {
        int inner = 64 - Long.numberOfLeadingZeros(index ^ (size - 1));
        int border = Long.bitCount(index >>> inner);
        return inner + border;
    }

    /** The number of elements of PROOF(size1, D[size2]); requires {@code 0 < size1 < size2}. */
    public static int consistencyProofLength(long size1, long size2) {
        int inner = 64 - Long.numberOfLeadingZeros((size1 - 1) ^ (size2 - 1));
        int shift = Long.numberOfTrailingZeros(size1);
        int border = Long.bitCount((size1 - 1) >>> inner);
        return inner - shift + border + (Long.bitCount(size1) == 1 ? 0 : 1);
    }

    /** MTH(D[begin:end]) assembled from stored perfect subtrees (RFC 9162 §2.1.1). */
    public static byte[] rangeHash(TreeHasher hasher, NodeReader nodes, long begin, long end) {
        long n = end - begin;
        if (n <= 0) {
            throw new IllegalArgumentException("empty range");
        }
        if (Long.bitCount(n) == 1 && begin % n == 0) {
            return nodes.node(Long.numberOfTrailingZeros(n), begin / n);
        }
        long k = ProofBuilder.largestPowerOfTwoBelow(n);
        return hasher.hashChildren(
                rangeHash(hasher, nodes, begin, begin + k), rangeHash(hasher, nodes, begin + k, end));
    }

    /** MTH(D[0:size]); the empty root when size is 0. */
    public static byte[] root(TreeHasher hasher, NodeReader nodes, long size) {
        return size == 0 ? hasher.emptyRoot() : rangeHash(hasher, nodes, 0, size);
    }

    /** Resolves the ranges chosen by {@link ProofBuilder} into hashes read from {@code nodes}. */
    public static List<byte[]> resolve(TreeHasher hasher, NodeReader nodes, List<Range> ranges) {
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(rangeHash(hasher, nodes, r.begin(), r.end()));
        }
        return out;
    }

    private static void checkHash(TreeHasher hasher, byte[] h, String what) throws InvalidProofException {
        if (h == null || h.length != hasher.hashSize()) {
            throw new InvalidProofException(
                    Reason.MALFORMED_HASH,
                    what + " must be " + hasher.hashSize() + " bytes, got " + (h == null ? "null" : h.length));
        }
    }
}
