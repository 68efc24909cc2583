package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.stats.QueryTemplate.Mechanism;

/**
 * Coverage of the parametric-bootstrap intervals of a differentially private least-squares fit, over many noisy
 * releases of one data set's Gram entries with the engine's own noise (discrete samplers, sensitivities and ε split as
 * {@link StatisticsEngine} sets them), fixed seeds throughout, so the test is deterministic.
 *
 * <p>These intervals are approximate, so the test states what it holds them to: on a well-conditioned fit (20,000 rows,
 * y = 50 + 2·x1 + 30·x2 + N(0, 20²), x1 in [0, 100], x2 in {0, 1}, ε = 1), each coefficient's coverage over {@value #RUNS}
 * runs lies within {@value #SIGMAS} binomial standard errors of 0.95 (about ±0.044 at 400 runs). If the intervals had
 * exact coverage 0.95, a random seed would fail one value with probability about 6e-5 and the whole test below 1e-3.
 */
class NoisyFitBootstrapTest {
    private static final int RUNS = 400;
    private static final double SIGMAS = 4;
    private static final int P = 3;

    @Test
    void intervalsCoverTheExactFitAtTheStatedRate() {
        for (Mechanism mechanism : Mechanism.values()) {
            List<String> failures = new ArrayList<>();
            long[][] rows = rows();
            double[] exact = gram(rows);
            double[] truth = Regressions.olsFit(exact, P, false);
            long[] upper = {1, 100, 1, 500};
            Noise[] noise = new Noise[Gram.size(P)];
            for (int a = 0; a <= P; a++) {
                for (int b = a; b <= P; b++) {
                    noise[Gram.index(a, b, P)] =
                            Noise.of(BigInteger.valueOf(upper[a] * upper[b]), 1_000_000, Gram.size(P), 1e-6, mechanism);
                }
            }
            DiscreteSamplers samplers = new DiscreteSamplers(DiscreteSamplersTest.seeded(20_261_206L));
            SplittableRandom simulation = new SplittableRandom(7);
            int[] covered = new int[P];
            double[] width = new double[P];
            int fitted = 0;
            for (int run = 0; run < RUNS; run++) {
                double[] released = new double[exact.length];
                for (int i = 0; i < exact.length; i++) {
                    released[i] = BigInteger.valueOf((long) exact[i])
                            .add(noise[i].sample(samplers))
                            .doubleValue();
                }
                released[0] = Math.max(1, released[0]);
                if (Regressions.olsFit(released, P, true) == null) {
                    continue;
                }
                Accuracy.Interval[] ci = NoisyFitBootstrap.intervals(
                        released, noise, s -> Regressions.olsFit(s, P, true), Accuracy.ALPHA, simulation);
                if (ci == null) {
                    continue;
                }
                fitted++;
                for (int k = 0; k < P; k++) {
                    covered[k] += ci[k].lower() <= truth[k] && truth[k] <= ci[k].upper() ? 1 : 0;
                    width[k] += ci[k].upper() - ci[k].lower();
                }
            }
            assertTrue(fitted >= RUNS * 0.99, mechanism + ": the well-conditioned fit almost always has an interval");
            double tolerance = SIGMAS * Math.sqrt(0.05 * 0.95 / fitted);
            for (int k = 0; k < P; k++) {
                double coverage = covered[k] / (double) fitted;
                String line = String.format(
                        Locale.ROOT,
                        "%s coefficient %d: coverage %.4f, mean width %.4g, truth %.4g",
                        mechanism,
                        k,
                        coverage,
                        width[k] / fitted,
                        truth[k]);
                System.out.println(line);
                if (Math.abs(coverage - 0.95) > tolerance) {
                    failures.add(line);
                }
            }
            assertTrue(width[1] / fitted < truth[1], mechanism + ": the slope's interval is narrower than the slope");
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    @Test
    void noIntervalWhenTheFitIsOftenUndefined() {
        Noise unit = new Noise(Mechanism.DISCRETE_LAPLACE, BigInteger.ONE, BigInteger.ONE);
        assertNull(NoisyFitBootstrap.intervals(
                new double[] {0.5},
                new Noise[] {unit},
                s -> s[0] > 0 ? new double[] {s[0]} : null,
                Accuracy.ALPHA,
                new SplittableRandom(1)));
    }

    /**
     * Noise can make XᵀX indefinite while it stays invertible: the exact fit would solve it, a noisy fit must not (its
     * coefficients would be meaningless), so the engine releases {@code singular} instead.
     */
    @Test
    void aNoisySystemThatIsNotPositiveDefiniteHasNoFit() {
        // p = 2: xtx = [[100, 50], [50, -10]], xty = [10, 5], yty = 20
        double[] s = {100, 50, 10, -10, 5, 20};
        assertNull(Regressions.olsFit(s, 2, true));
        assertEquals(2 + 1, Regressions.olsFit(s, 2, false).length);
    }

    /** Rows {@code [1, x1, x2, y]} of the data set in the class comment, y clamped into [0, 500]. */
    private static long[][] rows() {
        Random rnd = new Random(20_261_206L);
        long[][] rows = new long[20_000][];
        for (int i = 0; i < rows.length; i++) {
            long x1 = rnd.nextInt(101);
            long x2 = rnd.nextInt(2);
            long y = Math.round(50 + 2 * x1 + 30 * x2 + 20 * rnd.nextGaussian());
            rows[i] = new long[] {1, x1, x2, Math.max(0, Math.min(500, y))};
        }
        return rows;
    }

    private static double[] gram(long[][] rows) {
        double[] s = new double[Gram.size(P)];
        for (long[] z : rows) {
            for (int a = 0; a <= P; a++) {
                for (int b = a; b <= P; b++) {
                    s[Gram.index(a, b, P)] += z[a] * z[b];
                }
            }
        }
        return s;
    }
}
