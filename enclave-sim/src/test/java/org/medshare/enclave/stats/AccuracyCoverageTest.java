package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.stats.QueryTemplate.Mechanism;

/**
 * Coverage of the released 95% intervals over many runs of the real samplers, with a fixed seed (so the test is
 * deterministic): {@value #RUNS} noisy releases of a known true value per configuration.
 *
 * <p>Tolerance: for a value whose interval has exact coverage p (summed from the pmf), the number of covering runs is
 * Binomial(n, p), standard error {@code sqrt(p(1-p)/n)} ≈ 0.0015 at p = 0.95, n = 20 000. A configuration fails when
 * its empirical coverage is more than {@value #SIGMAS} standard errors from p (two-sided; for the conservative derived
 * intervals, more than that below the level 0.95). If the samplers and intervals were right, a random seed would make
 * one configuration fail with probability about {@code 2·Φ(-4) ≈ 6.3e-5} (normal approximation), and this whole test
 * with probability below {@code 10 · 6.3e-5 ≈ 6.3e-4}. The stated error rate is the nominal 5% per interval.
 */
class AccuracyCoverageTest {
    private static final int RUNS = 20_000;
    private static final double SIGMAS = 4;
    private static final long SEED = 20_261_125L;

    private record Outcome(String name, double coverage, double expected, double tolerance) {
        boolean twoSidedOk() {
            return Math.abs(coverage - expected) <= tolerance;
        }
    }

    private static double tolerance(double p) {
        return SIGMAS * Math.sqrt(p * (1 - p) / RUNS);
    }

    private static DiscreteSamplers samplers() {
        return new DiscreteSamplers(DiscreteSamplersTest.seeded(SEED));
    }

    /**
     * Releases {@code truth + noise}, clamped up to {@code floor} as the engine clamps counts, and counts how often
     * {@code [released - h, released + h]} holds the truth.
     */
    private static Outcome coverage(Noise noise, long truth, double floor, DiscreteSamplers samplers) {
        double h = noise.halfWidth(Accuracy.ALPHA);
        int covered = 0;
        for (int i = 0; i < RUNS; i++) {
            double released = Math.max(
                    floor, BigInteger.valueOf(truth).add(noise.sample(samplers)).doubleValue());
            ValueAccuracy a = ValueAccuracy.noisy(noise, h, released);
            Accuracy.Interval ci = a.interval().orElseThrow();
            if (ci.lower() <= truth && truth <= ci.upper()) {
                covered++;
            }
        }
        double scale = noise.scale();
        double exact = noise.mechanism() == Mechanism.DISCRETE_LAPLACE
                ? AccuracyTest.bruteForceCoverage(
                        AccuracyTest.laplace(scale), AccuracyTest.laplaceRange(scale), (long) h)
                : AccuracyTest.bruteForceCoverage(
                        AccuracyTest.gaussian(scale), AccuracyTest.gaussianRange(scale), (long) h);
        return new Outcome(
                String.format(Locale.ROOT, "%s scale=%.3f h=%.0f truth=%d", noise.mechanismName(), scale, h, truth),
                covered / (double) RUNS,
                exact,
                tolerance(exact));
    }

    private static Noise laplace(long num, long den) {
        return new Noise(Mechanism.DISCRETE_LAPLACE, BigInteger.valueOf(num), BigInteger.valueOf(den));
    }

    private static Noise gaussian(long sigma2Micros) {
        return new Noise(Mechanism.DISCRETE_GAUSSIAN, BigInteger.valueOf(sigma2Micros), BigInteger.valueOf(1_000_000));
    }

    @Test
    void noisyValuesAreCoveredAtTheirExactRate() {
        DiscreteSamplers s = samplers();
        List<Outcome> outcomes = new ArrayList<>();
        outcomes.add(coverage(laplace(5, 2), 1_000, 0, s)); // b = 2.5
        outcomes.add(coverage(laplace(6, 1), 1_000, 0, s)); // b = 6 (L = 3, ε = 0.5)
        outcomes.add(coverage(laplace(40, 1), 1_000, 0, s)); // b = 40
        outcomes.add(coverage(gaussian(10_000_000), 1_000, 0, s)); // σ ≈ 3.16
        outcomes.add(coverage(gaussian(59_290_000), 1_000, 0, s)); // σ = 7.7
        outcomes.add(coverage(gaussian(1_600_000_000), 1_000, 0, s)); // σ = 40
        List<String> failures = new ArrayList<>();
        for (Outcome o : outcomes) {
            System.out.println(o);
            if (o.expected() < Accuracy.CONFIDENCE || !o.twoSidedOk()) {
                failures.add(o.toString());
            }
        }
        assertEquals(List.of(), failures, "coverage outside " + SIGMAS + " standard errors of the exact rate");
    }

    /**
     * A count near 0 released clamped at 0: the interval around the clamped value still covers at least at the exact
     * rate of the unclamped one (one-sided: clamping can only help).
     */
    @Test
    void clampedCountsStillCover() {
        DiscreteSamplers s = samplers();
        for (Noise noise : List.of(laplace(6, 1), gaussian(59_290_000))) {
            Outcome o = coverage(noise, 2, 0, s);
            System.out.println("clamped " + o);
            assertTrue(o.coverage() >= o.expected() - o.tolerance(), o.toString());
        }
    }

    /**
     * The mean's interval derived from the noisy count and sum (each at 97.5%) covers the true mean at least 95% of
     * the time. A group of 400 rows with values clamped into [0, 10 000] and mean 5 000, L = 1, ε = 1 split in two:
     * count noise b = 2, sum noise b = 20 000; and the same under the Gaussian mechanism with δ = 1e-6.
     */
    @Test
    void derivedMeansCoverAtLeastTheLevel() {
        DiscreteSamplers s = samplers();
        long n = 400;
        long sum = 400 * 5_000L;
        double truth = sum / (double) n;
        long upper = 10_000;
        List<String> failures = new ArrayList<>();
        for (Mechanism m : Mechanism.values()) {
            Noise countNoise = Noise.of(BigInteger.ONE, 1_000_000, 2, 1e-6, m);
            Noise sumNoise = Noise.of(BigInteger.valueOf(upper), 1_000_000, 2, 1e-6, m);
            int covered = 0;
            double width = 0;
            for (int i = 0; i < RUNS; i++) {
                double noisyN = Math.max(
                        1, BigInteger.valueOf(n).add(countNoise.sample(s)).doubleValue());
                double noisyS = BigInteger.valueOf(sum).add(sumNoise.sample(s)).doubleValue();
                Accuracy.Interval ci =
                        Accuracy.mean(noisyN, countNoise, noisyS, sumNoise, Accuracy.ALPHA / 2, 0, upper);
                width += ci.upper() - ci.lower();
                if (ci.lower() <= truth && truth <= ci.upper()) {
                    covered++;
                }
            }
            double coverage = covered / (double) RUNS;
            double meanWidth = width / RUNS;
            System.out.println("mean " + m + ": coverage " + coverage + ", mean width " + meanWidth);
            if (coverage < Accuracy.CONFIDENCE - tolerance(Accuracy.CONFIDENCE) || meanWidth >= upper) {
                failures.add(m + ": coverage " + coverage + ", mean width " + meanWidth);
            }
        }
        assertEquals(List.of(), failures);
    }

    /**
     * The interval of a quantile of a noisy histogram covers the true nearest-rank quantile of the clamped values at
     * least 95% of the time (one-sided: the union bound over bins makes it conservative), and is narrower than the
     * clamping range. 600 values drawn once (seeded) into 20 bins of width 100 over [0, 1999]; p = 0.5 and 0.9; L =
     * 1, ε = 1, under both mechanisms (δ = 1e-6).
     */
    @Test
    void quantilesOfANoisyHistogramCoverAtLeastTheLevel() {
        DiscreteSamplers s = samplers();
        java.util.Random data = new java.util.Random(SEED);
        long[] values = new long[600];
        long[] hist = new long[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.min(1999, Math.round(Math.abs(data.nextGaussian()) * 600));
            hist[(int) (values[i] / 100)]++;
        }
        long[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        List<String> failures = new ArrayList<>();
        for (Mechanism m : Mechanism.values()) {
            Noise noise = Noise.of(BigInteger.ONE, 1_000_000, 1, 1e-6, m);
            double[] sumBound = noise.sumHalfWidths(hist.length, Accuracy.ALPHA / (2 * hist.length));
            for (double p : new double[] {0.5, 0.9}) {
                long truth = sorted[(int) Math.ceil(p * sorted.length) - 1];
                int covered = 0;
                double width = 0;
                for (int run = 0; run < RUNS; run++) {
                    double[] noisy = new double[hist.length];
                    for (int b = 0; b < hist.length; b++) {
                        noisy[b] =
                                BigInteger.valueOf(hist[b]).add(noise.sample(s)).doubleValue();
                    }
                    Accuracy.Interval ci = Accuracy.quantile(noisy, sumBound, p, 0, 100, 0, 1999);
                    width += ci.upper() - ci.lower();
                    covered += ci.lower() <= truth && truth <= ci.upper() ? 1 : 0;
                }
                double coverage = covered / (double) RUNS;
                String line = String.format(
                        Locale.ROOT,
                        "quantile %s p=%.1f: coverage %.4f, mean width %.1f",
                        m,
                        p,
                        coverage,
                        width / RUNS);
                System.out.println(line);
                if (coverage < Accuracy.CONFIDENCE - tolerance(Accuracy.CONFIDENCE) || width / RUNS >= 1000) {
                    failures.add(line);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The bins a quantile can lie in, worked by hand: every sum of m bins' noise within m. */
    @Test
    void aQuantilesIntervalSpansTheBinsItCanLieIn() {
        // noisy counts 10 and 10, true ones in [9, 11] each: the median is in bin 0 unless bin 0 holds fewer than bin 1
        // (9 vs 11)
        assertEquals(
                new Accuracy.Interval(0, 199),
                Accuracy.quantile(new double[] {10, 10}, new double[] {0, 1, 2}, 0.5, 0, 100, 0, 199));
        // 30 rows against 10: the median is in bin 0 whatever the noise
        assertEquals(
                new Accuracy.Interval(0, 99),
                Accuracy.quantile(new double[] {30, 10}, new double[] {0, 1, 2}, 0.5, 0, 100, 0, 199));
        // the 0.9-quantile of {30, 10} lies in bin 1 (C_0 = 29..31 < 0.9·(38..42))
        assertEquals(
                new Accuracy.Interval(100, 199),
                Accuracy.quantile(new double[] {30, 10}, new double[] {0, 1, 2}, 0.9, 0, 100, 0, 199));
        // the last bin holds what lies above the bins: up to the clamping bound
        assertEquals(
                new Accuracy.Interval(100, 500),
                Accuracy.quantile(new double[] {30, 10}, new double[] {0, 1, 2}, 0.9, 0, 100, 0, 500));
    }

    /**
     * The bounds on sums of m draws hold: over {@value #RUNS} sums per case, the share at or beyond the bound stays
     * below alpha (one-sided, within the tolerance); for one draw the bound is the exact half-width, and for 40 it grows
     * like a square root (below 10 times that), not like the 40 times a union bound would give.
     */
    @Test
    void sumsOfDrawsStayWithinTheirBounds() {
        DiscreteSamplers s = samplers();
        double alpha = 0.05;
        List<String> failures = new ArrayList<>();
        for (Noise noise : List.of(laplace(2, 1), laplace(6, 1), gaussian(4_000_000), gaussian(59_290_000))) {
            double[] bound = noise.sumHalfWidths(40, alpha);
            double exact = noise.halfWidth(alpha);
            if (bound[1] != exact || bound[40] > 10 * exact) {
                failures.add(noise.mechanismName() + " " + noise.scale() + ": A_1 = " + bound[1] + ", h = " + exact);
            }
            for (int m : new int[] {1, 5, 40}) {
                int beyond = 0;
                for (int i = 0; i < RUNS; i++) {
                    BigInteger sum = BigInteger.ZERO;
                    for (int d = 0; d < m; d++) {
                        sum = sum.add(noise.sample(s));
                    }
                    beyond += Math.abs(sum.doubleValue()) > bound[m] ? 1 : 0;
                }
                double share = beyond / (double) RUNS;
                System.out.println(String.format(
                        Locale.ROOT,
                        "sum of %d %s(%.2f): beyond A = %.1f in %.4f",
                        m,
                        noise.mechanismName(),
                        noise.scale(),
                        bound[m],
                        share));
                if (share > alpha + tolerance(alpha)) {
                    failures.add(noise.mechanismName() + " m=" + m + ": " + share);
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
