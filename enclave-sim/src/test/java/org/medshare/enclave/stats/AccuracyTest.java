package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The half-widths of {@link Accuracy} against a naive oracle: the smallest h whose two-sided tail, summed term by term
 * from the unnormalised weights of the pmf over a wide range, is at most alpha. Every case is checked and the failing
 * ones are reported together.
 */
class AccuracyTest {
    private static final double[] ALPHAS = {0.05, 0.025, 0.05 / 3};

    /**
     * The oracle: smallest integer h with {@code P[|X| > h] <= alpha} for the symmetric distribution on the integers
     * with weights {@code weight(|x|)}, normalised by their sum over {@code |x| <= range}.
     */
    static long bruteForceHalfWidth(DoubleUnaryOperator weight, int range, double alpha) {
        double z = weight.applyAsDouble(0);
        for (int x = 1; x <= range; x++) {
            z += 2 * weight.applyAsDouble(x);
        }
        double inside = weight.applyAsDouble(0);
        for (int h = 0; h <= range; h++) {
            if (h > 0) {
                inside += 2 * weight.applyAsDouble(h);
            }
            if (1 - inside / z <= alpha) {
                return h;
            }
        }
        throw new AssertionError("range too small");
    }

    /** {@code P[|X| <= h]} for the same weights. */
    static double bruteForceCoverage(DoubleUnaryOperator weight, int range, long h) {
        double z = weight.applyAsDouble(0);
        double inside = z;
        for (int x = 1; x <= range; x++) {
            z += 2 * weight.applyAsDouble(x);
            if (x <= h) {
                inside += 2 * weight.applyAsDouble(x);
            }
        }
        return inside / z;
    }

    static DoubleUnaryOperator laplace(double b) {
        return x -> Math.exp(-x / b);
    }

    static DoubleUnaryOperator gaussian(double sigma) {
        return x -> Math.exp(-x * x / (2 * sigma * sigma));
    }

    static int laplaceRange(double b) {
        return (int) Math.ceil(80 * b) + 80;
    }

    static int gaussianRange(double sigma) {
        return (int) Math.ceil(50 * sigma) + 50;
    }

    @Test
    void laplaceHalfWidthIsTheSmallestThatTheSummedPmfAdmits() {
        List<String> failures = new ArrayList<>();
        for (double b : new double[] {0.05, 0.3, 1, 2.5, 6, 37.3, 250, 1000, 4321.5}) {
            for (double alpha : ALPHAS) {
                long expected = bruteForceHalfWidth(laplace(b), laplaceRange(b), alpha);
                double actual = Accuracy.laplaceHalfWidth(b, alpha);
                if (actual != expected) {
                    failures.add("b=" + b + " alpha=" + alpha + ": " + actual + " != " + expected);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** A hand-checked case: b = 1, alpha = 0.05, q = e^-1: tail(h) = 2 e^-(h+1) / (1 + e^-1) is 0.0364 at h = 3. */
    @Test
    void laplaceKnownAnswer() {
        assertEquals(3, Accuracy.laplaceHalfWidth(1, 0.05));
        double q = Math.exp(-1);
        assertTrue(2 * Math.pow(q, 4) / (1 + q) <= 0.05 && 2 * Math.pow(q, 3) / (1 + q) > 0.05);
        assertEquals(0, Accuracy.laplaceHalfWidth(0.1, 0.05), "P[X = 0] = (1-q)/(1+q) > 0.95 at b = 0.1");
    }

    @Test
    void gaussianHalfWidthFromThePmfIsTheSmallest() {
        List<String> failures = new ArrayList<>();
        for (double sigma : new double[] {0.2, 0.5, 1, 2.7, 8.1, 30, 200, 1000}) {
            for (double alpha : ALPHAS) {
                long expected = bruteForceHalfWidth(gaussian(sigma), gaussianRange(sigma), alpha);
                double actual = Accuracy.gaussianHalfWidthFromPmf(sigma, alpha);
                if (actual != expected) {
                    failures.add("sigma=" + sigma + " alpha=" + alpha + ": " + actual + " != " + expected);
                }
            }
        }
        assertEquals(List.of(), failures);
    }

    /** The continuous bound covers (never narrower than the smallest) and is at most one wider. */
    @Test
    void gaussianNormalBoundCoversAndIsAtMostOneWider() {
        List<String> failures = new ArrayList<>();
        for (double sigma : new double[] {0.7, 1.5, 10, 100, 1000, 1000.5, 2500}) {
            for (double alpha : ALPHAS) {
                long smallest = bruteForceHalfWidth(gaussian(sigma), gaussianRange(sigma), alpha);
                double bound = Accuracy.gaussianHalfWidthFromNormalBound(sigma, alpha);
                if (bound < smallest || bound > smallest + 1) {
                    failures.add("sigma=" + sigma + " alpha=" + alpha + ": " + bound + " vs smallest " + smallest);
                }
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(
                Accuracy.gaussianHalfWidthFromNormalBound(2500, 0.05),
                Accuracy.gaussianHalfWidth(2500, 0.05),
                "above the pmf limit the bound is used");
        assertEquals(
                Accuracy.gaussianHalfWidthFromPmf(30, 0.05),
                Accuracy.gaussianHalfWidth(30, 0.05),
                "below the limit the pmf is summed");
        // continuous: ceil(1.959964 * 100) = 196
        assertEquals(196, Accuracy.gaussianHalfWidthFromNormalBound(100, 0.05));
    }

    @Test
    void theHalfWidthsCoverAtLeastTheLevel() {
        for (double alpha : ALPHAS) {
            for (double s : new double[] {0.4, 3, 17.5}) {
                assertTrue(
                        bruteForceCoverage(laplace(s), laplaceRange(s), (long) Accuracy.laplaceHalfWidth(s, alpha))
                                >= 1 - alpha,
                        "Laplace " + s);
                assertTrue(
                        bruteForceCoverage(gaussian(s), gaussianRange(s), (long) Accuracy.gaussianHalfWidth(s, alpha))
                                >= 1 - alpha,
                        "Gaussian " + s);
            }
        }
    }

    @Test
    void ratioIsTheRangeOverTheBoxWithinTheBounds() {
        Accuracy.Interval r = Accuracy.ratio(900, 1100, 9, 11, 0, 1000);
        assertEquals(900 / 11.0, r.lower(), 1e-12);
        assertEquals(1100 / 9.0, r.upper(), 1e-12);
        Accuracy.Interval clamped = Accuracy.ratio(0, 5000, -3, 4, 0, 1000);
        assertEquals(0, clamped.lower());
        assertEquals(1000, clamped.upper(), "N >= 1 and the clamping bound");
        assertEquals(new Accuracy.Interval(0, 1000), Accuracy.ratio(10, 20, -5, 0.5, 0, 1000), "no admissible N");
        // every (S, N) in the box gives a ratio inside
        for (double s = 900; s <= 1100; s += 25) {
            for (double n = 9; n <= 11; n += 0.25) {
                double m = s / n;
                assertTrue(r.lower() <= m && m <= r.upper(), s + "/" + n);
            }
        }
    }

    @Test
    void varianceIsBoundedByTheBoxAndPopoviciu() {
        Accuracy.Interval mean = new Accuracy.Interval(4, 6);
        Accuracy.Interval v = Accuracy.variance(2800, 3200, 90, 110, mean, 0, 10);
        assertEquals(Math.max(0, 2800 / 110.0 - 36), v.lower(), 1e-12);
        assertEquals(Math.min(25, 3200 / 90.0 - 16), v.upper(), 1e-12);
        assertEquals(new Accuracy.Interval(0, 25), Accuracy.variance(10, 5, 90, 110, mean, 0, 10), "empty box");
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> Accuracy.laplaceHalfWidth(0, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.laplaceHalfWidth(Double.NaN, 0.05));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.gaussianHalfWidth(1, 1));
        assertThrows(IllegalArgumentException.class, () -> Accuracy.gaussianHalfWidthFromPmf(2000, 0.05));
    }
}
