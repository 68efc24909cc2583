package org.medshare.enclave.stats;

import java.math.BigInteger;

/**
 * Signed 128-bit accumulators: each holds the exact sum of the {@code long} values added to it, in two's complement
 * over a high and a low word, for up to 2^63 additions of any {@code long} (so of any product of two {@code int}s).
 * Not thread-safe.
 */
final class ExactSums {
    private final long[] high;
    private final long[] low;

    /** {@code size} accumulators, each 0. */
    ExactSums(int size) {
        high = new long[size];
        low = new long[size];
    }

    /** Adds {@code v} to accumulator {@code i}. */
    void add(int i, long v) {
        long before = low[i];
        long after = before + v;
        low[i] = after;
        // v sign-extended to 128 bits has the high word v >> 63; the low words carry when their unsigned sum wraps
        high[i] += (v >> 63) + (Long.compareUnsigned(after, before) < 0 ? 1 : 0);
    }

    /** The exact sum in accumulator {@code i}. */
    BigInteger get(int i) {
        BigInteger unsignedLow = BigInteger.valueOf(low[i] >>> 1).shiftLeft(1).add(BigInteger.valueOf(low[i] & 1));
        return BigInteger.valueOf(high[i]).shiftLeft(64).add(unsignedLow);
    }
}
