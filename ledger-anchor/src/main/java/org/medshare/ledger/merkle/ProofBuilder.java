package org.medshare.ledger.merkle;

import java.util.ArrayList;
import java.util.List;

/**
 * Which subtree hashes an RFC 9162 proof needs, independently of where the hashes are stored.
 * Pure functions; combine with a {@link NodeReader} through {@link MerkleProofs#resolve}.
 */
public final class ProofBuilder {
    private ProofBuilder() {}

    /**
     * The ranges of PATH(m, D[n]) (RFC 9162 §2.1.3.1), deepest sibling first.
     *
     * @throws IllegalArgumentException unless {@code 0 <= index < size}
     */
    public static List<Range> inclusion(long index, long size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("requires 0 <= index < size, got index " + index + ", size " + size);
        }
        List<Range> out = new ArrayList<>(64 - Long.numberOfLeadingZeros(size));
        path(index, 0, size, out);
        return out;
    }

    private static void path(long m, long lo, long hi, List<Range> out) {
        if (hi - lo == 1) {
            return;
        }
        long k = largestPowerOfTwoBelow(hi - lo);
        if (m < lo + k) {
            path(m, lo, lo + k, out);
            out.add(new Range(lo + k, hi));
        } else {
            path(m, lo + k, hi, out);
            out.add(new Range(lo, lo + k));
        }
    }

    /**
     * The ranges of PROOF(m, D[n]) = SUBPROOF(m, D[n], true) (RFC 9162 §2.1.4.1). Empty when
     * {@code size1 == size2} or {@code size1 == 0}.
     *
     * @throws IllegalArgumentException unless {@code 0 <= size1 <= size2}
     */
    public static List<Range> consistency(long size1, long size2) {
        if (size1 < 0 || size1 > size2) {
            throw new IllegalArgumentException("requires 0 <= size1 <= size2, got " + size1 + ", " + size2);
        }
        List<Range> out = new ArrayList<>();
        if (size1 == 0 || size1 == size2) {
            return out;
        }
        subproof(size1, 0, size2, true, out);
        return out;
    }

    private static void subproof(long m, long lo, long hi, boolean b, List<Range> out) {
        long n = hi - lo;
        if (m == n) {
            if (!b) {
                out.add(new Range(lo, hi));
            }
            return;
        }
        long k = largestPowerOfTwoBelow(n);
        if (m <= k) {
            subproof(m, lo, lo + k, b, out);
            out.add(new Range(lo + k, hi));
        } else {
            subproof(m - k, lo + k, hi, false, out);
            out.add(new Range(lo, lo + k));
        }
    }

    /** The largest power of two strictly smaller than {@code n}; requires {@code n >= 2}. */
    static long largestPowerOfTwoBelow(long n) {
        return Long.highestOneBit(n - 1);
    }
}
