package org.medshare.enclave.stats;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.NonSymmetricMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.Logistic;
import org.medshare.enclave.stats.AggregateSpec.Regression;

/**
 * Fits a released group's regression from what the kernel accumulated for it: ordinary least squares from the
 * group's Gram entries ({@link Gram}, exact or noisy), logistic regression by Newton–Raphson over the group's design
 * rows. Both put {@code n}, {@code beta[intercept]} and one {@code beta[feature]} per feature into the group's values,
 * and {@code singular = 1} instead of coefficients when the system cannot be solved. No noise is added here.
 */
final class Regressions {
    private Regressions() {}

    /** Group {@code g}'s exact Gram entries ({@link Gram} order), as doubles. */
    static double[] gram(RowAggregator agg, int g) {
        int size = Gram.size(agg.regressionDimension());
        double[] s = new double[size];
        for (int i = 0; i < size; i++) {
            s[i] = agg.gram.get(g * size + i).doubleValue();
        }
        return s;
    }

    /**
     * Puts {@code n} (entry (0,0) of {@code s}) and the fit from the Gram entries {@code s} into {@code v}: the
     * coefficients and r², or {@code singular = 1}.
     *
     * @param noisy whether {@code s} carries noise: then XᵀX must also be positive definite, as every exact one of
     *     full rank is, and r² is clamped into [0, 1]
     */
    static void ols(double[] s, int p, Regression a, boolean noisy, TreeMap<String, Double> v) {
        v.put("n", s[Gram.index(0, 0, p)]);
        double[] fit = olsFit(s, p, noisy);
        if (fit == null) {
            v.put("singular", 1.0);
            return;
        }
        putBetas(v, a, new ArrayRealVector(Arrays.copyOf(fit, p), false));
        v.put("r2", fit[p]);
    }

    /**
     * The OLS fit from Gram entries {@code s}: {@code p} coefficients (intercept first) then r²; null when XᵀX is
     * singular, or, when {@code noisy}, not positive definite.
     */
    static double[] olsFit(double[] s, int p, boolean noisy) {
        double[][] m = new double[p][p];
        double[] xty = new double[p];
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                m[i][j] = s[Gram.index(i, j, p)];
                m[j][i] = m[i][j];
            }
            xty[i] = s[Gram.index(i, p, p)];
        }
        double yy = s[Gram.index(p, p, p)];
        double n = m[0][0];
        RealMatrix xtx = new Array2DRowRealMatrix(m, false);
        RealVector rhs = new ArrayRealVector(xty, false);
        RealVector beta;
        try {
            beta = noisy
                    ? new CholeskyDecomposition(xtx).getSolver().solve(rhs)
                    : new LUDecomposition(xtx, 1e-12).getSolver().solve(rhs);
        } catch (SingularMatrixException | NonPositiveDefiniteMatrixException | NonSymmetricMatrixException e) {
            return null;
        }
        double sse = yy - 2 * beta.dotProduct(rhs) + beta.dotProduct(xtx.operate(beta));
        double ybar = xty[0] / n;
        double sst = yy - n * ybar * ybar;
        double r2 = sst > 0 ? 1 - sse / sst : 0.0;
        double[] out = Arrays.copyOf(beta.toArray(), p + 1);
        out[p] = noisy ? Math.max(0, Math.min(1, r2)) : r2;
        return out;
    }

    static void logistic(RowAggregator agg, int g, Logistic a, TreeMap<String, Double> v) {
        int p = agg.regressionDimension();
        int width = p;
        LongList d = agg.design[g];
        int n = d.size() / width;
        v.put("n", (double) n);
        double[] beta = new double[p];
        int iter = 0;
        try {
            for (; iter < a.maxIterations(); iter++) {
                double[][] h = new double[p][p];
                double[] grad = new double[p];
                double[] x = new double[p];
                for (int r = 0; r < n; r++) {
                    int o = r * width;
                    x[0] = 1;
                    for (int i = 1; i < p; i++) {
                        x[i] = d.get(o + i - 1);
                    }
                    double y = d.get(o + p - 1);
                    double eta = 0;
                    for (int i = 0; i < p; i++) {
                        eta += x[i] * beta[i];
                    }
                    double mu = 1 / (1 + Math.exp(-eta));
                    double w = mu * (1 - mu);
                    for (int i = 0; i < p; i++) {
                        grad[i] += (y - mu) * x[i];
                        for (int j = 0; j < p; j++) {
                            h[i][j] += w * x[i] * x[j];
                        }
                    }
                }
                RealVector step = new LUDecomposition(new Array2DRowRealMatrix(h, false), 1e-12)
                        .getSolver()
                        .solve(new ArrayRealVector(grad, false));
                double max = 0;
                for (int i = 0; i < p; i++) {
                    beta[i] += step.getEntry(i);
                    max = Math.max(max, Math.abs(step.getEntry(i)));
                }
                if (!Double.isFinite(max)) {
                    throw new SingularMatrixException();
                }
                if (max < 1e-10) {
                    iter++;
                    break;
                }
            }
            putBetas(v, a, new ArrayRealVector(beta, false));
            v.put("iterations", (double) iter);
        } catch (SingularMatrixException e) {
            v.put("singular", 1.0);
        }
    }

    private static void putBetas(TreeMap<String, Double> v, Regression a, RealVector beta) {
        v.put("beta[intercept]", beta.getEntry(0));
        List<Feature> x = a.x();
        for (int i = 0; i < x.size(); i++) {
            v.put("beta[" + x.get(i).name() + "]", beta.getEntry(i + 1));
        }
    }
}
