package org.medshare.enclave.stats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import org.medshare.enclave.stats.QueryTemplate.Mechanism;

/**
 * The noise distribution of one released integer, as the engine samples it: the mechanism and its exact rational
 * parameter. Laplace: {@code Lap_Z(b)}, {@code P[x] ∝ exp(-|x|/b)}, {@code b = num/den = Δ·parts/ε}. Gaussian:
 * {@code N_Z(0, σ²)}, {@code P[x] ∝ exp(-x²/(2σ²))}, {@code σ² = num/den}.
 *
 * @param mechanism which sampler of {@link DiscreteSamplers}
 * @param num numerator of {@code b} (Laplace) or {@code σ²} (Gaussian), positive
 * @param den denominator of the same, positive
 */
record Noise(Mechanism mechanism, BigInteger num, BigInteger den) {
    Noise {
        if (num.signum() <= 0 || den.signum() <= 0) {
            throw new IllegalArgumentException("noise parameters must be positive");
        }
    }

    /**
     * The noise for one of {@code parts} values that share micro-ε {@code micros}, with sensitivity {@code
     * sensitivity} (L1 for Laplace, the same number as an upper bound on L2 for Gaussian).
     * Laplace: {@code b = Δ·parts/ε}, exactly {@code Δ·parts·10^6 / micros}. Gaussian: {@code σ = Δ·parts·sqrt(2
     * ln(1.25/δ))/ε} (Dwork–Roth, "The Algorithmic Foundations of Differential Privacy", 2014, Thm A.1), σ² rounded
     * up to a multiple of 10^-6.
     */
    static Noise of(BigInteger sensitivity, long micros, int parts, double delta, Mechanism mechanism) {
        if (mechanism == Mechanism.DISCRETE_LAPLACE) {
            BigInteger t =
                    sensitivity.multiply(BigInteger.valueOf(parts)).multiply(BigInteger.valueOf(PrivacyBudget.MICROS));
            return new Noise(mechanism, t, BigInteger.valueOf(micros));
        }
        double eps = micros / (double) PrivacyBudget.MICROS / parts;
        double sigma2 = sensitivity.doubleValue()
                * sensitivity.doubleValue()
                * 2
                * Math.log(1.25 / delta)
                / (eps * eps)
                * (1 + 1e-9);
        BigInteger num = new BigDecimal(sigma2)
                .multiply(BigDecimal.valueOf(PrivacyBudget.MICROS))
                .setScale(0, RoundingMode.CEILING)
                .toBigInteger()
                .max(BigInteger.ONE);
        return new Noise(mechanism, num, BigInteger.valueOf(PrivacyBudget.MICROS));
    }

    /** One sample. Laplace is CKS Algorithm 2 with {@code s = den, t = num}. */
    BigInteger sample(DiscreteSamplers samplers) {
        return mechanism == Mechanism.DISCRETE_LAPLACE
                ? samplers.discreteLaplaceBig(den, num)
                : samplers.discreteGaussianBig(num, den);
    }

    /** The distribution's scale in the units of the value: {@code b} for Laplace, {@code σ} for Gaussian. */
    double scale() {
        double ratio = new BigDecimal(num)
                .divide(new BigDecimal(den), MathContext.DECIMAL64)
                .doubleValue();
        return mechanism == Mechanism.DISCRETE_LAPLACE ? ratio : Math.sqrt(ratio);
    }

    /** The smallest (Laplace; Gaussian up to {@link Accuracy#gaussianHalfWidth}) h with {@code P[|X| > h] <= alpha}. */
    double halfWidth(double alpha) {
        return mechanism == Mechanism.DISCRETE_LAPLACE
                ? Accuracy.laplaceHalfWidth(scale(), alpha)
                : Accuracy.gaussianHalfWidth(scale(), alpha);
    }

    /**
     * {@code A[m]}, {@code m = 0..maxDraws}: a bound with {@code P[|X_1 + … + X_m| > A[m]] <= alpha} for m
     * independent draws of this noise: for one draw the exact {@link #halfWidth}, for more {@link
     * Accuracy#laplaceSumHalfWidth} or {@link Accuracy#gaussianSumHalfWidth}.
     */
    double[] sumHalfWidths(int maxDraws, double alpha) {
        double[] a = new double[maxDraws + 1];
        double scale = scale();
        if (maxDraws >= 1) {
            a[1] = halfWidth(alpha);
        }
        for (int m = 2; m <= maxDraws; m++) {
            a[m] = mechanism == Mechanism.DISCRETE_LAPLACE
                    ? Accuracy.laplaceSumHalfWidth(scale, m, alpha)
                    : Accuracy.gaussianSumHalfWidth(scale, m, alpha);
        }
        return a;
    }

    /** The mechanism's name in results: {@code discreteLaplace} or {@code discreteGaussian}. */
    String mechanismName() {
        return nameOf(mechanism);
    }

    static String nameOf(Mechanism mechanism) {
        return mechanism == Mechanism.DISCRETE_LAPLACE ? "discreteLaplace" : "discreteGaussian";
    }
}
