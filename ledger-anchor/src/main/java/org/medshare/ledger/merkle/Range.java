package org.medshare.ledger.merkle;

/**
 * The half-open leaf range {@code [begin, end)} whose Merkle tree hash MTH(D[begin:end]) is one
 * element of a proof (RFC 9162 §2.1.3.1, §2.1.4.1). Ranges produced by {@link ProofBuilder} always
 * start at a multiple of the largest power of two not exceeding their length, so their hash can be
 * assembled from perfect subtrees.
 */
public record Range(long begin, long end) {
    public Range {
        if (begin < 0 || end <= begin) {
            throw new IllegalArgumentException("invalid range [" + begin + ", " + end + ")");
        }
    }

    public long length() {
        return end - begin;
    }

    /** True if the range is a perfect, aligned subtree, i.e. one stored node. */
    public boolean isPerfect() {
        long n = length();
        return Long.bitCount(n) == 1 && begin % n == 0;
    }
}
