package org.medshare.enclave.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.medshare.enclave.stats.QueryTemplate.Mechanism;

/**
 * Approximate confidence intervals for values computed from several noisy statistics by a function with no usable
 * monotonicity (a regression's coefficients from its noisy Gram entries), by the basic parametric bootstrap.
 *
 * <p>The released statistics are {@code s = t + Z}, t the true ones and Z the engine's noise, whose distribution is
 * public. The value released is {@code f(s)}; its error {@code f(s) - f(t)} is approximated by the spread of {@code
 * f(s + Z*) - f(s)} over {@value #DRAWS} fresh draws Z* of noise with the same scales (each discrete Laplace or
 * Gaussian value drawn from the continuous distribution of the same scale). With {@code d_lo}, {@code d_hi} the
 * α/2 and 1 - α/2 quantiles of those differences, the interval is {@code [f(s) - d_hi, f(s) - d_lo]}. It uses only
 * released values, public scales and randomness independent of the records, so it is post-processing and costs no
 * privacy.
 *
 * <p>Unlike the intervals of {@link Accuracy}, coverage is not guaranteed: it is close to the stated level when f is
 * nearly linear over the noise's range (noise small against the statistics), and worse when the noisy system is
 * close to singular. Results mark these intervals {@code "method": "parametricBootstrap"}. When more than one draw in
 * a hundred leaves f undefined (a noisy system that is not positive definite), no interval is given.
 */
final class NoisyFitBootstrap {
    /** Draws per released group. */
    static final int DRAWS = 400;

    private static final double MAX_UNDEFINED_SHARE = 0.01;

    private NoisyFitBootstrap() {}

    /**
     * One interval per output of {@code fit} at level {@code 1 - alpha}, or null when too many draws leave it
     * undefined.
     *
     * @param released the noisy statistics as released
     * @param noise the noise of each statistic, in the same order
     * @param fit the outputs from statistics, or null where they are undefined; defined at {@code released}
     * @param random the source of the simulated noise
     */
    static Accuracy.Interval[] intervals(
            double[] released, Noise[] noise, Function<double[], double[]> fit, double alpha, SplittableRandom random) {
        double[] estimate = fit.apply(released);
        double[][] differences = new double[estimate.length][DRAWS];
        double[] scales = Arrays.stream(noise).mapToDouble(Noise::scale).toArray();
        double[] drawn = new double[released.length];
        int defined = 0;
        for (int d = 0; d < DRAWS; d++) {
            for (int i = 0; i < released.length; i++) {
                drawn[i] = released[i] + sample(noise[i].mechanism(), scales[i], random);
            }
            double[] out = fit.apply(drawn);
            if (out != null) {
                for (int k = 0; k < out.length; k++) {
                    differences[k][defined] = out[k] - estimate[k];
                }
                defined++;
            }
        }
        if (DRAWS - defined > MAX_UNDEFINED_SHARE * DRAWS) {
            return null;
        }
        Accuracy.Interval[] intervals = new Accuracy.Interval[estimate.length];
        for (int k = 0; k < estimate.length; k++) {
            double[] diff = Arrays.copyOf(differences[k], defined);
            Arrays.sort(diff);
            intervals[k] = new Accuracy.Interval(
                    estimate[k] - quantile(diff, 1 - alpha / 2), estimate[k] - quantile(diff, alpha / 2));
        }
        return intervals;
    }

    /** The nearest-rank {@code q}-quantile of the sorted {@code values}. */
    private static double quantile(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }

    /** Laplace of scale b as the difference of two exponentials of mean b; Gaussian of standard deviation σ. */
    private static double sample(Mechanism mechanism, double scale, SplittableRandom random) {
        return mechanism == Mechanism.DISCRETE_LAPLACE
                ? scale * (random.nextExponential() - random.nextExponential())
                : scale * random.nextGaussian();
    }
}
