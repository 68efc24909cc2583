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
}
