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
  private final List<String> labels;
  private final BigInteger[][] rows;
  private final int columns;
  private final PolicyNode root;

  private Lsss(PolicyNode root, List<String> labels, BigInteger[][] rows, int columns) {
    this.root = root;
    this.labels = labels;
    this.rows = rows;
    this.columns = columns;
  }

  /** Compiles a policy tree. */
  public static Lsss compile(PolicyNode root) {
    List<String> labels = new ArrayList<>();
    List<BigInteger[]> vectors = new ArrayList<>();
    int[] cols = {1};
    build(root, new BigInteger[] {BigInteger.ONE}, labels, vectors, cols);
    BigInteger[][] rows = new BigInteger[vectors.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = pad(vectors.get(i), cols[0]);
    }
    return new Lsss(root, Collections.unmodifiableList(labels), rows, cols[0]);
  }

  private static void build(PolicyNode n, BigInteger[] v, List<String> labels, List<BigInteger[]> out, int[] cols) {
    if (n instanceof Leaf leaf) {
      labels.add(leaf.attribute());
      out.add(v);
      return;
    }
    Gate g = (Gate) n;
    List<PolicyNode> ch = g.children();
    if (g.isOr()) {
      for (PolicyNode c : ch) {
        build(c, v, labels, out, cols);
      }
    } else if (g.isAnd()) {
      int first = cols[0];
      cols[0] += ch.size() - 1;
      for (int i = 0; i < ch.size(); i++) {
        BigInteger[] w;
        if (i == 0) {
          w = pad(v, first + 1);
          w[first] = BigInteger.ONE;
        } else {
          w = zeros(first + i + (i < ch.size() - 1 ? 1 : 0));
          w[first + i - 1] = BigInteger.ONE.negate();
          if (i < ch.size() - 1) {
            w[first + i] = BigInteger.ONE;
          }
        }
        build(ch.get(i), w, labels, out, cols);
      }
    } else {
      int k = g.threshold();
      int first = cols[0];
      cols[0] += k - 1;
      for (int i = 0; i < ch.size(); i++) {
        BigInteger x = BigInteger.valueOf(i + 1);
        BigInteger[] w = pad(v, first + k - 1);
        BigInteger p = BigInteger.ONE;
        for (int j = 0; j < k - 1; j++) {
          p = p.multiply(x);
          w[first + j] = p;
        }
        build(ch.get(i), w, labels, out, cols);
      }
    }
  }

  private static BigInteger[] zeros(int n) {
    BigInteger[] z = new BigInteger[n];
    Arrays.fill(z, BigInteger.ZERO);
    return z;
  }

  private static BigInteger[] pad(BigInteger[] v, int n) {
    BigInteger[] w = zeros(n);
    System.arraycopy(v, 0, w, 0, v.length);
    return w;
  }

  public int rowCount() {
    return rows.length;
  }

  public int columnCount() {
    return columns;
  }

  /** Attribute labelling row {@code i}. */
  public String label(int i) {
    return labels.get(i);
  }

  /** Entry {@code M[i][j]} as an exact signed integer. */
  public BigInteger entry(int i, int j) {
    return rows[i][j];
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
    return new Reconstruction(p.rows.stream().mapToInt(Integer::intValue).toArray(),
        p.coefficients.toArray(new BigInteger[0]));
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
    Arrays.sort(order2, (a, b) -> Integer.compare(
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
