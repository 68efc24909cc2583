package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import org.apache.commons.math3.stat.inference.ChiSquareTest;
import org.junit.jupiter.api.Test;

/**
 * Goodness-of-fit of the CKS samplers against their exact probability mass functions, with a fixed
 * seed (deterministic). Chi-square is used because the distributions are discrete (a KS test on
 * integer data is conservative and inexact); the same test is shown to reject a wrong scale.
 */
class DiscreteSamplersTest {
    private static final int N = 40_000;

    /** A deterministic SecureRandom: SHA1PRNG seeded before its first use. */
    static SecureRandom seeded(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final int TAIL = 12;

    /** P[x] for |x| <= TAIL, and the two tails lumped into the last cell. */
    private static double[] laplacePmf(double scale) {
        double q = Math.exp(-1 / scale);
        double norm = (1 - q) / (1 + q);
        double[] p = new double[2 * TAIL + 2];
        double sum = 0;
        for (int x = -TAIL; x <= TAIL; x++) {
            p[x + TAIL] = norm * Math.pow(q, Math.abs(x));
            sum += p[x + TAIL];
        }
        p[2 * TAIL + 1] = 1 - sum;
        return p;
    }

    private static double[] gaussianPmf(double sigma2) {
        double z = 0;
        for (int x = -400; x <= 400; x++) {
            z += Math.exp(-x * (double) x / (2 * sigma2));
        }
        double[] p = new double[2 * TAIL + 2];
        double sum = 0;
        for (int x = -TAIL; x <= TAIL; x++) {
            p[x + TAIL] = Math.exp(-x * (double) x / (2 * sigma2)) / z;
            sum += p[x + TAIL];
        }
        p[2 * TAIL + 1] = Math.max(1e-12, 1 - sum);
        return p;
    }

    private static double pValue(double[] pmf, LongSupplier sampler) {
        long[] observed = new long[pmf.length];
        for (int i = 0; i < N; i++) {
            long x = sampler.getAsLong();
            observed[Math.abs(x) <= TAIL ? (int) x + TAIL : 2 * TAIL + 1]++;
        }
        double[] expected = new double[pmf.length];
        for (int i = 0; i < pmf.length; i++) {
            expected[i] = pmf[i] * N;
        }
        return new ChiSquareTest().chiSquareTest(expected, observed);
    }

    @Test
    void discreteLaplaceMatchesItsPmf() {
        DiscreteSamplers s = new DiscreteSamplers(seeded(20250101));
        // scale t/s = 5/2 = 2.5
        double p = pValue(laplacePmf(2.5), () -> s.discreteLaplace(BigInteger.TWO, BigInteger.valueOf(5)));
        assertTrue(p > 0.001, "p = " + p);
    }

    @Test
    void chiSquareRejectsAWrongScale() {
        DiscreteSamplers s = new DiscreteSamplers(seeded(7));
        double p = pValue(laplacePmf(2.5), () -> s.discreteLaplace(BigInteger.ONE, BigInteger.valueOf(3)));
        assertTrue(p < 1e-6, "scale 3 must be told apart from scale 2.5, p = " + p);
    }

    @Test
    void discreteGaussianMatchesItsPmf() {
        DiscreteSamplers s = new DiscreteSamplers(seeded(42));
        // sigma^2 = 9/2 = 4.5
        double p = pValue(gaussianPmf(4.5), () -> s.discreteGaussian(BigInteger.valueOf(9), BigInteger.TWO));
        assertTrue(p > 0.001, "p = " + p);
        DiscreteSamplers w = new DiscreteSamplers(seeded(43));
        double wrong = pValue(gaussianPmf(4.5), () -> w.discreteGaussian(BigInteger.valueOf(6), BigInteger.ONE));
        assertTrue(wrong < 1e-6, "sigma^2 6 vs 4.5, p = " + wrong);
    }

    @Test
    void bernoulliExpHasTheRightMean() {
        DiscreteSamplers s = new DiscreteSamplers(seeded(3));
        for (long[] g : new long[][] {{1, 3}, {5, 2}, {0, 1}}) {
            int hits = 0;
            for (int i = 0; i < N; i++) {
                hits += s.bernoulliExp(BigInteger.valueOf(g[0]), BigInteger.valueOf(g[1])) ? 1 : 0;
            }
            double expected = Math.exp(-g[0] / (double) g[1]);
            assertEquals(expected, hits / (double) N, 5 * Math.sqrt(expected * (1 - expected) / N) + 1e-9);
        }
    }

    @Test
    void refusesNonPositiveParameters() {
        DiscreteSamplers s = new DiscreteSamplers(seeded(1));
        assertThrows(IllegalArgumentException.class, () -> s.discreteLaplace(BigInteger.ZERO, BigInteger.ONE));
        assertThrows(IllegalArgumentException.class, () -> s.discreteLaplace(BigInteger.ONE, BigInteger.valueOf(-1)));
        assertThrows(IllegalArgumentException.class, () -> s.discreteGaussian(BigInteger.ZERO, BigInteger.ONE));
    }
}
