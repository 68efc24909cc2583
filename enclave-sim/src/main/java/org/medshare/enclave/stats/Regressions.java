package org.medshare.enclave.stats;

import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.Logistic;
import org.medshare.enclave.stats.AggregateSpec.Regression;

/**
 * Fits a released group's regression from what the kernel accumulated for it: ordinary least squares from the
 * group's XᵀX and Xᵀy sums, logistic regression by Newton–Raphson over the group's design rows. Both put
 * {@code n}, {@code beta[intercept]} and one {@code beta[feature]} per feature into the group's values, and
 * {@code singular = 1} instead of coefficients when the system cannot be solved. No noise is added here.
 */
final class Regressions {
    private Regressions() {}

    static void ols(RowAggregator agg, int g, Regression a, TreeMap<String, Double> v) {
        int p = agg.regressionDimension();
        double[][] m = new double[p][p];
        int base = g * p * p;
        for (int i = 0; i < p; i++) {
            for (int j = i; j < p; j++) {
                m[i][j] = agg.xtx[base + i * p + j];
                m[j][i] = m[i][j];
            }
        }
        double[] xty = Arrays.copyOfRange(agg.xty, g * (p + 1), g * (p + 1) + p);
        double yy = agg.xty[g * (p + 1) + p];
        double n = agg.count[g];
        v.put("n", n);
        try {
            RealMatrix xtx = new Array2DRowRealMatrix(m, false);
            RealVector beta = new LUDecomposition(xtx, 1e-12).getSolver().solve(new ArrayRealVector(xty, false));
            putBetas(v, a, beta);
            double sse = yy - 2 * beta.dotProduct(new ArrayRealVector(xty, false)) + beta.dotProduct(xtx.operate(beta));
            double ybar = xty[0] / n;
            double sst = yy - n * ybar * ybar;
            v.put("r2", sst > 0 ? 1 - sse / sst : 0.0);
        } catch (SingularMatrixException e) {
            v.put("singular", 1.0);
        }
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
