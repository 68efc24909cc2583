package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link ExactSums} against {@link BigInteger} arithmetic, across the low word's carries in both directions. */
class ExactSumsTest {
    @Test
    void sumsAreExactBeyondSixtyFourBits() {
        ExactSums sums = new ExactSums(3);
        BigInteger[] expected = {BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO};
        Random rnd = new Random(1);
        for (int i = 0; i < 200_000; i++) {
            long product = (long) Integer.MAX_VALUE * Integer.MAX_VALUE;
            long[] added = {product, -product + rnd.nextInt(3), (long) rnd.nextInt() * rnd.nextInt()};
            for (int k = 0; k < 3; k++) {
                sums.add(k, added[k]);
                expected[k] = expected[k].add(BigInteger.valueOf(added[k]));
            }
        }
        for (int k = 0; k < 3; k++) {
            assertEquals(expected[k], sums.get(k), "accumulator " + k);
        }
        assertEquals(1, expected[0].bitLength() / 64, "the first sum needs more than 64 bits");
    }

    @Test
    void aSumCrossesZeroBothWays() {
        ExactSums sums = new ExactSums(1);
        sums.add(0, Long.MIN_VALUE);
        sums.add(0, Long.MIN_VALUE);
        assertEquals(BigInteger.valueOf(Long.MIN_VALUE).shiftLeft(1), sums.get(0));
        sums.add(0, Long.MAX_VALUE);
        sums.add(0, Long.MAX_VALUE);
        sums.add(0, 2);
        assertEquals(BigInteger.ZERO, sums.get(0));
        sums.add(0, -1);
        assertEquals(BigInteger.ONE.negate(), sums.get(0));
    }
}
