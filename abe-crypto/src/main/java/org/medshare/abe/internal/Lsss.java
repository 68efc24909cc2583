package org.medshare.abe.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.medshare.abe.internal.PolicyNode.Gate;
import org.medshare.abe.internal.PolicyNode.Leaf;

/**
 * A monotone span program (linear secret-sharing scheme) compiled from a policy tree.
 *
 * <p>Row {@code i} is labelled with attribute {@code rho(i)} (leaves in left-to-right order); the
 * target vector is {@code (1, 0, ..., 0)}. A set of attributes is authorised iff the target lies in
 * the span of its rows. Construction (Lewko–Waters, eprint 2010/351 appendix G, generalised):
 * <ul>
 *   <li>OR gate: every child inherits the parent vector;</li>
 *   <li>AND gate of n children: a chain of n-1 fresh columns, child 1 gets {@code v||1}, the middle
 *       children {@code 0..0||-1||1}, the last {@code 0..0||-1} (they sum to {@code v||0});</li>
 *   <li>k-of-n gate (1 &lt; k &lt; n): k-1 fresh columns, child {@code x} (1-based) gets
 *       {@code v||x||x^2||...||x^(k-1)}, i.e. Shamir sharing of the parent value; any k children
 *       reconstruct with Lagrange coefficients at 0.</li>
 * </ul>
 * Entries are exact signed integers (small: 0, +-1 for AND/OR, powers of the child index for
 * thresholds); callers reduce them modulo the group order. Immutable.
 */
public final class Lsss {
    /** Upper bound on non-zero entries; larger programs are refused ({@link TooComplexException}). */
    public static final int MAX_NON_ZERO = 1 << 16;

    private final List<String> labels;
    private final int[][] cols; // per row: column indices of non-zero entries, ascending
    private final BigInteger[][] vals; // per row: the matching entries
    private final int columns;
    private final PolicyNode root;

    /** The span program would exceed {@link #MAX_NON_ZERO} non-zero entries. */
    public static final class TooComplexException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooComplexException() {
            super("policy too complex (span program over " + MAX_NON_ZERO + " entries)");
        }
    }

    private Lsss(PolicyNode root, List<String> labels, int[][] cols, BigInteger[][] vals, int columns) {
        this.root = root;
        this.labels = labels;
        this.cols = cols;
        this.vals = vals;
        this.columns = columns;
    }

    /** A sparse vector: column -> exact entry. */
    private record Vec(int[] cols, BigInteger[] vals) {
        Vec with(int col, BigInteger v) {
            int[] c = Arrays.copyOf(cols, cols.length + 1);
            BigInteger[] w = Arrays.copyOf(vals, vals.length + 1);
            c[cols.length] = col;
            w[vals.length] = v;
            return new Vec(c, w);
        }
    }

    /**
     * Compiles a policy tree.
     *
     * @throws TooComplexException if the program would have more than {@link #MAX_NON_ZERO} entries
     */
    public static Lsss compile(PolicyNode root) {
        List<String> labels = new ArrayList<>();
        List<Vec> vectors = new ArrayList<>();
        int[] counters = {1, 0}; // columns used, non-zero entries emitted
        build(root, new Vec(new int[] {0}, new BigInteger[] {BigInteger.ONE}), labels, vectors, counters);
        int[][] cols = new int[vectors.size()][];
        BigInteger[][] vals = new BigInteger[vectors.size()][];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = vectors.get(i).cols();
            vals[i] = vectors.get(i).vals();
        }
        return new Lsss(root, Collections.unmodifiableList(labels), cols, vals, counters[0]);
    }

    private static void build(PolicyNode n, Vec v, List<String> labels, List<Vec> out, int[] counters) {
        if (n instanceof Leaf leaf) {
            counters[1] += v.cols().length;
            if (counters[1] > MAX_NON_ZERO) {
                throw new TooComplexException();
            }
            labels.add(leaf.attribute());
            out.add(v);
            return;
        }
        Gate g = (Gate) n;
        List<PolicyNode> ch = g.children();
        if (g.isOr()) {
            for (PolicyNode c : ch) {
                build(c, v, labels, out, counters);
            }
        } else if (g.isAnd()) {
            int first = counters[0];
            counters[0] += ch.size() - 1;
            for (int i = 0; i < ch.size(); i++) {
                Vec w;
                if (i == 0) {
                    w = v.with(first, BigInteger.ONE);
                } else {
                    w = new Vec(new int[] {first + i - 1}, new BigInteger[] {BigInteger.ONE.negate()});
                    if (i < ch.size() - 1) {
                        w = w.with(first + i, BigInteger.ONE);
                    }
                }
                build(ch.get(i), w, labels, out, counters);
            }
        } else {
            int k = g.threshold();
            int first = counters[0];
            counters[0] += k - 1;
            for (int i = 0; i < ch.size(); i++) {
                BigInteger x = BigInteger.valueOf(i + 1);
                Vec w = v;
                BigInteger p = BigInteger.ONE;
                for (int j = 0; j < k - 1; j++) {
                    p = p.multiply(x);
                    if (p.bitLength() > 64) {
                        p = p.mod(Group.ORDER);
                    }
                    w = w.with(first + j, p);
                    if (w.cols().length > MAX_NON_ZERO) {
                        throw new TooComplexException();
                    }
                }
                build(ch.get(i), w, labels, out, counters);
            }
        }
    }

    public int rowCount() {
        return labels.size();
    }

    public int columnCount() {
        return columns;
    }

    /** Attribute labelling row {@code i}. */
    public String label(int i) {
        return labels.get(i);
    }

    /**
     * Entry {@code M[i][j]}: an exact signed integer, except that powers above 2^64 in threshold rows
     * are stored reduced mod the group order (the same element of Z_r).
     */
    public BigInteger entry(int i, int j) {
        for (int k = 0; k < cols[i].length; k++) {
            if (cols[i][k] == j) {
                return vals[i][k];
            }
        }
        return BigInteger.ZERO;
    }

    /** Column indices of the non-zero entries of row {@code i} (ascending). */
    public int[] nonZeroColumns(int i) {
        return cols[i].clone();
    }

    /** The non-zero entries of row {@code i}, matching {@link #nonZeroColumns}. */
    public BigInteger[] nonZeroValues(int i) {
        return vals[i].clone();
    }

    /**
     * Finds reconstruction coefficients for an attribute set: a sparse map from row index to
     * {@code gamma_i} (mod {@code order}) with {@code sum gamma_i * M_i = (1,0,...,0) mod order} over
     * rows whose label is in {@code attributes}. Chooses a small set of rows (cheapest satisfied
     * children of each gate).
     *
     * @return row indices and coefficients, or {@code null} if the set does not satisfy the policy
     */
    public Reconstruction reconstruct(Set<String> attributes, BigInteger order) {
        int[] next = {0};
        Partial p = solve(root, attributes, order, next);
        if (p == null) {
            return null;
        }
        return new Reconstruction(
                p.rows.stream().mapToInt(Integer::intValue).toArray(), p.coefficients.toArray(new BigInteger[0]));
    }

    /** Rows used for decryption and their coefficients (mod the group order). */
    public record Reconstruction(int[] rows, BigInteger[] coefficients) {}

    private record Partial(List<Integer> rows, List<BigInteger> coefficients) {}

    private static int leafCount(PolicyNode n) {
        if (n instanceof Leaf) {
            return 1;
        }
        int c = 0;
        for (PolicyNode ch : ((Gate) n).children()) {
            c += leafCount(ch);
        }
        return c;
    }

    private static Partial solve(PolicyNode n, Set<String> attrs, BigInteger order, int[] next) {
        if (n instanceof Leaf leaf) {
            int row = next[0]++;
            if (!attrs.contains(leaf.attribute())) {
                return null;
            }
            return new Partial(List.of(row), List.of(BigInteger.ONE));
        }
        Gate g = (Gate) n;
        List<PolicyNode> ch = g.children();
        Partial[] sub = new Partial[ch.size()];
        for (int i = 0; i < ch.size(); i++) {
            sub[i] = solve(ch.get(i), attrs, order, next);
        }
        if (g.isAnd()) {
            List<Integer> rows = new ArrayList<>();
            List<BigInteger> coef = new ArrayList<>();
            for (Partial p : sub) {
                if (p == null) {
                    return null;
                }
                rows.addAll(p.rows);
                coef.addAll(p.coefficients);
            }
            return new Partial(rows, coef);
        }
        // choose the k satisfied children using the fewest rows
        Integer[] order2 = new Integer[ch.size()];
        for (int i = 0; i < order2.length; i++) {
            order2[i] = i;
        }
        Arrays.sort(
                order2,
                (a, b) -> Integer.compare(
                        sub[a] == null ? Integer.MAX_VALUE : sub[a].rows.size(),
                        sub[b] == null ? Integer.MAX_VALUE : sub[b].rows.size()));
        int k = g.threshold();
        int[] chosen = new int[k];
        for (int i = 0; i < k; i++) {
            if (sub[order2[i]] == null) {
                return null;
            }
            chosen[i] = order2[i];
        }
        Arrays.sort(chosen);
        List<Integer> rows = new ArrayList<>();
        List<BigInteger> coef = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            BigInteger lambda = k == 1 ? BigInteger.ONE : lagrangeAtZero(chosen, i, order);
            Partial p = sub[chosen[i]];
            rows.addAll(p.rows);
            for (BigInteger c : p.coefficients) {
                coef.add(c.multiply(lambda).mod(order));
            }
        }
        return new Partial(rows, coef);
    }

    /** Lagrange coefficient at 0 for point x_i = chosen[i]+1 among the points chosen[*]+1. */
    private static BigInteger lagrangeAtZero(int[] chosen, int i, BigInteger order) {
        BigInteger num = BigInteger.ONE;
        BigInteger den = BigInteger.ONE;
        BigInteger xi = BigInteger.valueOf(chosen[i] + 1L);
        for (int j = 0; j < chosen.length; j++) {
            if (j != i) {
                BigInteger xj = BigInteger.valueOf(chosen[j] + 1L);
                num = num.multiply(xj.negate());
                den = den.multiply(xi.subtract(xj));
            }
        }
        return num.mod(order).multiply(den.mod(order).modInverse(order)).mod(order);
    }
}
