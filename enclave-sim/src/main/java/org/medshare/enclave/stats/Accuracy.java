package org.medshare.enclave.stats;

import org.apache.commons.math3.special.Erf;

/**
 * Confidence intervals for released noisy values: for noise X of a discrete distribution and a level {@code 1 -
 * alpha}, a half-width h with {@code P[|X| <= h] >= 1 - alpha}, so that {@code [value - h, value + h]} covers the
 * true value with probability at least {@code 1 - alpha} over the noise. Results use {@link #CONFIDENCE} = 0.95.
 * Every interval is a function of the noisy values and public parameters only (the scale follows from ε, δ, the
 * contribution bound and the clamping bounds), so publishing it is post-processing and costs no privacy.
 *
 * <h2>Discrete Laplace (closed form, exact)</h2>
 *
 * {@code Lap_Z(b)} has {@code P[X = x] = (1-q)/(1+q) · q^|x|} with {@code q = exp(-1/b)}: the weights sum to {@code 1
 * + 2q/(1-q) = (1+q)/(1-q)}. Its tail beyond h is geometric:
 *
 * <pre>
 *   P[|X| > h] = 2 · (1-q)/(1+q) · Σ_{x >= h+1} q^x = 2 · (1-q)/(1+q) · q^(h+1)/(1-q) = 2 q^(h+1) / (1+q).
 * </pre>
 *
 * So {@code P[|X| > h] <= alpha} exactly when {@code h + 1 >= b · (ln(2/alpha) - ln(1+q))}, and the smallest such
 * integer is {@code h = max(0, ceil(b · (ln(2/alpha) - ln(1+q))) - 1)}. {@link #laplaceHalfWidth} evaluates this in
 * double precision and then checks h and h - 1 against the log of the tail, requiring it to be at most {@code
 * ln(alpha) - 10^-12}; so h is the exact minimum except when the tail at h - 1 lies within that margin of alpha (then
 * it is one larger: never smaller). Above 2^50 the integer search is skipped and {@code b · (…)} is inflated by
 * 10^-12 before rounding up.
 *
 * <h2>Discrete Gaussian (exact pmf sum, or the continuous bound)</h2>
 *
 * {@code N_Z(0, σ²)} has {@code P[X = x] = exp(-x²/(2σ²)) / Z}, {@code Z = Σ_x exp(-x²/(2σ²))}. Two methods, each
 * valid on its own, chosen by σ:
 *
 * <ul>
 *   <li>σ ≤ {@value #GAUSSIAN_PMF_SIGMA_LIMIT}: the tail is summed numerically from the pmf over {@code |x| <= 40σ +
 *       1} (the weights beyond are below {@code e^-800} and underflow), tails first so that small terms are not
 *       lost; h is the smallest integer whose two-sided tail is at most {@code alpha · (1 - 10^-9)}, a margin far
 *       above the rounding error of the sums (about 10^-11 relative). This is the exact minimum unless the tail at h
 *       - 1 lies within the margin.
 *   <li>σ above that: the continuous bound. The weights decrease in |x|, so {@code Σ_{x >= h+1} exp(-x²/(2σ²)) <=
 *       ∫_h^∞ exp(-u²/(2σ²)) du = σ·sqrt(2π)·(1 - Φ(h/σ))}; and by the Poisson summation formula {@code Z = σ·sqrt(2π)
 *       · Σ_k exp(-2π²σ²k²) >= σ·sqrt(2π)}. Hence {@code P[|X| > h] <= 2(1 - Φ(h/σ))}: the discrete Gaussian's tail
 *       is no heavier than the continuous one's, with no correction term. h is {@code ceil(σ · z · (1 + 10^-9))} with
 *       {@code z = Φ^-1(1 - alpha/2) = sqrt(2) · erfinv(1 - alpha)} (Commons Math); the factor covers the rounding of
 *       z. This h exceeds the exact minimum by at most about one.
 * </ul>
 *
 * <h2>Derived values</h2>
 *
 * A mean is {@code S/N} of a noisy sum and a noisy count. Its interval comes from the parts by the union bound
 * (Bonferroni): each part's interval at level {@code 1 - alpha/2} holds with probability {@code >= 1 - alpha/2}, so
 * both hold with probability {@code >= 1 - alpha}, and then the true mean lies in the range of {@code S/N} over the
 * box of the two intervals ({@link #ratio}), which is also intersected with the clamping bounds. A variance {@code
 * Q/N - (S/N)²} uses three parts at {@code 1 - alpha/3} ({@link #variance}). These intervals are conservative (their
 * coverage is usually well above the level).
 *
 * <h2>Quantiles of a noisy histogram</h2>
 *
 * The engine releases the p-quantile of a group as the midpoint of the first bin b whose noisy cumulative count
 * reaches p times the noisy total; the true nearest-rank p-quantile of the clamped values lies in the first bin b
 * with {@code C_b >= p·N}, C the true cumulative counts and N the true total. Write {@code C_b - p·N = (1-p)·P_b -
 * p·R_b}, P_b the true count of bins 0..b and R_b that of the bins after b. Their noisy versions (before the release
 * clamps bins at 0) are {@code P̂_b = P_b + S_b}, {@code R̂_b = R_b + T_b}, S_b and T_b sums of {@code b+1} and {@code
 * B-b-1} independent draws of the bins' noise. Each of the 2B sums is within {@code A_m} ({@link Noise#sumHalfWidths},
 * m its number of draws) with probability {@code >= 1 - alpha/(2B)}; by the union bound all are at once with probability
 * {@code >= 1 - alpha}. Then, since true counts are never negative, {@code C_b - p·N <= (1-p)·(P̂_b + A) - p·max(0,
 * R̂_b - A')}, so the true bin is no earlier than the first b where that is {@code >= 0}; and {@code C_b - p·N >=
 * (1-p)·max(0, P̂_b - A) - p·(R̂_b + A')}, so it is no later than the first b where this is {@code >= 0} (the last bin
 * at the latest). The interval is the values of those bins ({@link #quantile}), cut to the clamping bounds; the first
 * and last bins also hold the values below and above the bins. It covers the true quantile with probability {@code >=
 * 1 - alpha}; the union bound and the tail bounds make it conservative.
 *
 * <p>{@code A_m}: a discrete Gaussian is sub-Gaussian with parameter σ (Canonne, Kamath, Steinke, "The Discrete
 * Gaussian for Differential Privacy", 2020, Cor. 9: {@code E[e^{tX}] <= e^{t²σ²/2}}), so a sum of m draws has {@code
 * P[|S| >= A] <= 2·exp(-A²/(2mσ²))}. For the discrete Laplace, the Chernoff bound with its exact moment generating
 * function {@code M(t) = (1-q)² / ((1-q·e^t)(1-q·e^-t))}, {@code 0 < t < 1/b}: {@code P[|S| >= A] <= 2·exp(m·ln M(t) -
 * t·A)} for every such t, so {@code A = (m·ln M(t) - ln(alpha/2)) / t} is valid for each t; the smallest found by a
 * golden-section search over t is used.
 *
 * <p>Coverage is per value (marginal); intervals of several values of a result do not hold simultaneously at that
 * level.
 */
public final class Accuracy {
    /** The confidence level of every interval in a result. */
    public static final double CONFIDENCE = 0.95;

    /** {@code 1 - CONFIDENCE}. */
    static final double ALPHA = 0.05;

    /** Up to this σ the discrete Gaussian's half-width is summed from its pmf; above, the continuous bound is used. */
    static final double GAUSSIAN_PMF_SIGMA_LIMIT = 1000;

    private static final double LAPLACE_LOG_MARGIN = 1e-12;
    private static final double GAUSSIAN_TAIL_MARGIN = 1e-9;
    private static final double EXACT_INTEGERS = 0x1p50;
    private static final int GOLDEN_STEPS = 80;
    private static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private Accuracy() {}

    /** An interval {@code [lower, upper]}. */
    public record Interval(double lower, double upper) {}

    /**
     * The smallest integer {@code h >= 0} with {@code P[|X| > h] <= alpha} for {@code X ~ Lap_Z(b)} (see the class
     * comment for the derivation and the rounding).
     *
     * @param b the scale, {@code P[x] ∝ exp(-|x|/b)}; positive and finite
     * @param alpha in {@code (0, 1)}
     */
    public static double laplaceHalfWidth(double b, double alpha) {
        checkScale(b);
        checkAlpha(alpha);
        double r = 1 / b;
        double log1pq = Math.log1p(Math.exp(-r));
        double need = (Math.log(2) - log1pq - Math.log(alpha)) * b;
        if (need > EXACT_INTEGERS) {
            return Math.ceil(need * (1 + LAPLACE_LOG_MARGIN));
        }
        double logAlpha = Math.log(alpha) - LAPLACE_LOG_MARGIN;
        long h = Math.max(0, (long) Math.ceil(need) - 1);
        while (h > 0 && laplaceLogTail(h - 1, r, log1pq) <= logAlpha) {
            h--;
        }
        while (laplaceLogTail(h, r, log1pq) > logAlpha) {
            h++;
        }
        return h;
    }

    /** {@code ln P[|X| > h] = ln 2 - r(h+1) - ln(1+q)} for {@code Lap_Z(1/r)}. */
    private static double laplaceLogTail(long h, double r, double log1pq) {
        return Math.log(2) - r * (h + 1) - log1pq;
    }

    /**
     * A half-width h with {@code P[|X| <= h] >= 1 - alpha} for {@code X ~ N_Z(0, σ²)}: summed from the pmf up to σ =
     * {@value #GAUSSIAN_PMF_SIGMA_LIMIT}, the continuous bound above (see the class comment).
     *
     * @param sigma positive and finite
     * @param alpha in {@code (0, 1)}
     */
    public static double gaussianHalfWidth(double sigma, double alpha) {
        return sigma <= GAUSSIAN_PMF_SIGMA_LIMIT
                ? gaussianHalfWidthFromPmf(sigma, alpha)
                : gaussianHalfWidthFromNormalBound(sigma, alpha);
    }

    /** The smallest h whose two-sided tail, summed from the pmf, is at most {@code alpha · (1 - 10^-9)}. */
    static double gaussianHalfWidthFromPmf(double sigma, double alpha) {
        checkScale(sigma);
        checkAlpha(alpha);
        if (sigma > GAUSSIAN_PMF_SIGMA_LIMIT) {
            throw new IllegalArgumentException("sigma too large to sum the pmf");
        }
        int m = (int) Math.ceil(40 * sigma) + 1;
        double twoSigma2 = 2 * sigma * sigma;
        // above[h] = Σ_{x = h+1}^{m} exp(-x²/(2σ²)), summed from the smallest term up
        double[] above = new double[m + 1];
        for (int x = m; x >= 1; x--) {
            above[x - 1] = above[x] + Math.exp(-(double) x * x / twoSigma2);
        }
        double z = 1 + 2 * above[0];
        double target = alpha * (1 - GAUSSIAN_TAIL_MARGIN);
        for (int h = 0; h <= m; h++) {
            if (2 * above[h] / z <= target) {
                return h;
            }
        }
        return m;
    }

    /** {@code ceil(σ · Φ^-1(1 - alpha/2) · (1 + 10^-9))}, valid for every σ by the bound in the class comment. */
    static double gaussianHalfWidthFromNormalBound(double sigma, double alpha) {
        checkScale(sigma);
        checkAlpha(alpha);
        double z = Math.sqrt(2) * Erf.erfInv(1 - alpha);
        return Math.ceil(sigma * z * (1 + GAUSSIAN_TAIL_MARGIN));
    }

    /**
     * The range of the true mean {@code S/N} when {@code S ∈ [sLower, sUpper]} and {@code N ∈ [nLower, nUpper]}, {@code
     * N >= 1} (a released group has rows), intersected with the clamping bounds {@code [lower, upper]} that hold for
     * every mean of clamped values. For {@code N > 0} the ratio is monotone in each argument, so its extremes are at
     * the corners of the box. When the box holds no admissible {@code (S, N)} (the parts' intervals missed), the
     * answer is {@code [lower, upper]}.
     */
    static Interval ratio(double sLower, double sUpper, double nLower, double nUpper, double lower, double upper) {
        double nLo = Math.max(1, nLower);
        if (nUpper < nLo || sUpper < sLower) {
            return new Interval(lower, upper);
        }
        double a = sLower / nLo;
        double b = sLower / nUpper;
        double c = sUpper / nLo;
        double d = sUpper / nUpper;
        double lo = Math.max(lower, Math.min(Math.min(a, b), Math.min(c, d)));
        double hi = Math.min(upper, Math.max(Math.max(a, b), Math.max(c, d)));
        return lo <= hi ? new Interval(lo, hi) : new Interval(lower, upper);
    }

    /**
     * The interval of a group's true mean from its noisy count {@code n} (already clamped up to 1, which the true count
     * of a released group is never below) and noisy sum {@code s}, each part at level {@code 1 - partAlpha}: {@link
     * #ratio} over the parts' intervals, the sum's cut at 0 (the true sum of values clamped into {@code [lower,
     * upper]}, {@code lower >= 0}, is not negative). Covers the true mean with probability {@code >= 1 - 2·partAlpha}.
     */
    static Interval mean(
            double n, Noise countNoise, double s, Noise sumNoise, double partAlpha, long lower, long upper) {
        double hn = countNoise.halfWidth(partAlpha);
        double hs = sumNoise.halfWidth(partAlpha);
        return ratio(Math.max(0, s - hs), s + hs, n - hn, n + hn, lower, upper);
    }

    /**
     * The range of the true (population) variance {@code Q/N - M²} of values clamped into {@code [lower, upper]}, with
     * {@code 0 <= lower}, when {@code Q ∈ [qLower, qUpper]} (sum of squares), {@code N ∈ [nLower, nUpper]} and the
     * mean {@code M = S/N ∈ mean}: {@code [max(0, Q_lo/N_hi - M_hi²), min((upper-lower)²/4, Q_hi/N_lo - M_lo²)]}, the
     * upper cap being Popoviciu's inequality. When the box is empty the answer is {@code [0, (upper-lower)²/4]}.
     */
    static Interval variance(
            double qLower, double qUpper, double nLower, double nUpper, Interval mean, double lower, double upper) {
        double cap = (upper - lower) * (upper - lower) / 4;
        double nLo = Math.max(1, nLower);
        double qLo = Math.max(0, qLower);
        if (nUpper < nLo || qUpper < qLo) {
            return new Interval(0, cap);
        }
        double lo = Math.max(0, qLo / nUpper - mean.upper() * mean.upper());
        double hi = Math.min(cap, qUpper / nLo - mean.lower() * mean.lower());
        return lo <= hi ? new Interval(lo, hi) : new Interval(0, cap);
    }

    /**
     * A bound A with {@code P[|X_1 + … + X_m| >= A] <= alpha} for m independent draws of discrete Laplace noise of
     * scale b (see the class comment; 0 for {@code m = 0}).
     */
    static double laplaceSumHalfWidth(double b, int m, double alpha) {
        checkScale(b);
        checkAlpha(alpha);
        if (m == 0) {
            return 0;
        }
        double lo = 0;
        double hi = 1 / b;
        double best = Double.POSITIVE_INFINITY;
        // with K = ln M convex and K(0) = 0, A(t) = (m·K(t) + c)/t has derivative (m·(t·K' - K) - c)/t², whose
        // numerator grows (its derivative is m·t·K'' >= 0): A falls then rises, so golden-section search finds the
        // minimum; every t it evaluates gives a valid bound
        for (int i = 0; i < GOLDEN_STEPS; i++) {
            double t1 = hi - GOLDEN * (hi - lo);
            double t2 = lo + GOLDEN * (hi - lo);
            double a1 = laplaceChernoff(b, m, alpha, t1);
            double a2 = laplaceChernoff(b, m, alpha, t2);
            best = Math.min(best, Math.min(a1, a2));
            if (a1 <= a2) {
                hi = t2;
            } else {
                lo = t1;
            }
        }
        return best;
    }

    /** {@code (m·ln M(t) - ln(alpha/2)) / t} for {@code Lap_Z(b)}, {@code 0 < t < 1/b}. */
    private static double laplaceChernoff(double b, int m, double alpha, double t) {
        double logQ = -1 / b;
        double logM =
                2 * Math.log(-Math.expm1(logQ)) - Math.log(-Math.expm1(logQ + t)) - Math.log(-Math.expm1(logQ - t));
        return (m * logM - Math.log(alpha / 2)) / t;
    }

    /** A bound A with {@code P[|X_1 + … + X_m| >= A] <= alpha} for m draws of {@code N_Z(0, σ²)}: {@code σ·sqrt(2m·ln(2/alpha))}. */
    static double gaussianSumHalfWidth(double sigma, int m, double alpha) {
        checkScale(sigma);
        checkAlpha(alpha);
        return sigma * Math.sqrt(2 * m * Math.log(2 / alpha));
    }

    /**
     * The interval of a group's true p-quantile (see the class comment) from the noisy bin counts {@code noisy} before
     * clamping, of bins {@code [binLower + i·width, binLower + (i+1)·width)} (the first and last also holding the
     * values beyond), of integer values clamped into {@code [lower, upper]}.
     *
     * @param sumBound {@code sumBound[m]} bounds the sum of m draws of the bins' noise, {@code m = 0..bins}
     */
    static Interval quantile(
            double[] noisy, double[] sumBound, double p, long binLower, long width, long lower, long upper) {
        int bins = noisy.length;
        double total = 0;
        for (double h : noisy) {
            total += h;
        }
        int earliest = -1;
        int latest = bins - 1;
        double below = 0;
        for (int b = 0; b < bins; b++) {
            below += noisy[b];
            double above = total - below;
            double a = sumBound[b + 1];
            double a2 = sumBound[bins - b - 1];
            if (earliest < 0 && (1 - p) * (below + a) - p * Math.max(0, above - a2) >= 0) {
                earliest = b;
            }
            if ((1 - p) * Math.max(0, below - a) - p * (above + a2) >= 0) {
                latest = b;
                break;
            }
        }
        // only when the sums lie outside their bounds can no bin pass the first test by the last one
        if (earliest < 0 || earliest > latest) {
            earliest = latest;
        }
        double from = earliest == 0 ? lower : Math.max(lower, binLower + earliest * width);
        double to = latest == bins - 1 ? upper : Math.min(upper, binLower + (latest + 1) * width - 1);
        return from <= to ? new Interval(from, to) : new Interval(lower, upper);
    }

    private static void checkScale(double scale) {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("scale must be positive and finite");
        }
    }

    private static void checkAlpha(double alpha) {
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1)");
        }
    }
}
