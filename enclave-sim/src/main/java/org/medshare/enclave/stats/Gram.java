package org.medshare.enclave.stats;

/**
 * The layout of an ordinary least squares fit's sufficient statistics: the upper triangle, row by row, of the Gram
 * matrix ZᵀZ of the augmented design {@code Z = [1, x_1, …, x_{p-1}, y]} ({@code p + 1} columns: the intercept, the
 * features in template order, the outcome). Entry (0,0) is the row count n, entry (0,j) the sum of column j, the
 * last column's entries are Xᵀy and yᵀy. A group's statistics are {@link #size} numbers in this order.
 *
 * <p>Names, as results and previews show them: {@code xtx[i,j]} for {@code i <= j < p}, {@code xty[i]} for
 * {@code i < p}, and {@code yty}, where index 0 is the intercept and index i the i-th feature.
 */
final class Gram {
    private Gram() {}

    /** The number of entries for {@code p} design columns (intercept included): {@code (p+1)(p+2)/2}. */
    static int size(int p) {
        return (p + 1) * (p + 2) / 2;
    }

    /** The position of entry {@code (a, b)}, {@code a <= b <= p}. */
    static int index(int a, int b, int p) {
        int columns = p + 1;
        return a * columns - a * (a - 1) / 2 + (b - a);
    }

    /** The name of entry {@code (a, b)}, {@code a <= b <= p}. */
    static String name(int a, int b, int p) {
        if (b < p) {
            return "xtx[" + a + "," + b + "]";
        }
        return a < p ? "xty[" + a + "]" : "yty";
    }
}
