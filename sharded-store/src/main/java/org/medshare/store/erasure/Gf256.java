package org.medshare.store.erasure;

/**
 * Arithmetic in GF(2^8) with the reducing polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11D), the field
 * used by most storage Reed-Solomon codes. Elements are ints in [0, 255].
 *
 * <p>Addition is XOR; multiplication uses log/exp tables built once from the generator 2, and a full
 * 256 x 256 product table ({@link #mulRow(int)}) serves the table-driven coding loops.
 */
public final class Gf256 {
    /** The reducing polynomial including the x^8 term. */
    public static final int POLYNOMIAL = 0x11D;

    private static final int[] EXP = new int[512];
    private static final int[] LOG = new int[256];
    private static final byte[][] MUL = new byte[256][256];

    static {
        int x = 1;
        for (int i = 0; i < 255; i++) {
            EXP[i] = x;
            LOG[x] = i;
            x <<= 1;
            if ((x & 0x100) != 0) {
                x ^= POLYNOMIAL;
            }
        }
        for (int i = 255; i < EXP.length; i++) {
            EXP[i] = EXP[i - 255];
        }
        for (int a = 0; a < 256; a++) {
            for (int b = 0; b < 256; b++) {
                MUL[a][b] = (byte) mulSlow(a, b);
            }
        }
    }

    private Gf256() {}

    private static int mulSlow(int a, int b) {
        if (a == 0 || b == 0) {
            return 0;
        }
        return EXP[LOG[a] + LOG[b]];
    }

    /** Product of two field elements. */
    public static int mul(int a, int b) {
        return MUL[a & 0xFF][b & 0xFF] & 0xFF;
    }

    /**
     * Multiplicative inverse.
     *
     * @throws ArithmeticException if {@code a == 0}
     */
    public static int inv(int a) {
        if ((a & 0xFF) == 0) {
            throw new ArithmeticException("0 has no inverse in GF(2^8)");
        }
        return EXP[255 - LOG[a & 0xFF]];
    }

    /** {@code a / b}; throws {@link ArithmeticException} if {@code b == 0}. */
    public static int div(int a, int b) {
        return mul(a, inv(b));
    }

    /** {@code a} raised to the non-negative power {@code e}. */
    public static int pow(int a, int e) {
        if (e < 0) {
            throw new IllegalArgumentException("negative exponent");
        }
        if (e == 0) {
            return 1;
        }
        if ((a & 0xFF) == 0) {
            return 0;
        }
        return EXP[(int) ((long) LOG[a & 0xFF] * e % 255)];
    }

    /** The 256-entry product row {@code c * b} for every b (shared; callers must not modify it). */
    static byte[] mulRow(int c) {
        return MUL[c & 0xFF];
    }

    /**
     * Inverts a square matrix by Gauss-Jordan elimination.
     *
     * @return a new matrix, the inverse of {@code m}
     * @throws IllegalArgumentException if {@code m} is singular or not square
     */
    public static int[][] invert(int[][] m) {
        int size = m.length;
        int[][] a = new int[size][2 * size];
        for (int r = 0; r < size; r++) {
            if (m[r].length != size) {
                throw new IllegalArgumentException("matrix is not square");
            }
            System.arraycopy(m[r], 0, a[r], 0, size);
            a[r][size + r] = 1;
        }
        for (int col = 0; col < size; col++) {
            int pivot = col;
            while (pivot < size && a[pivot][col] == 0) {
                pivot++;
            }
            if (pivot == size) {
                throw new IllegalArgumentException("matrix is singular");
            }
            int[] tmp = a[col];
            a[col] = a[pivot];
            a[pivot] = tmp;
            int scale = inv(a[col][col]);
            for (int c = 0; c < 2 * size; c++) {
                a[col][c] = mul(a[col][c], scale);
            }
            for (int r = 0; r < size; r++) {
                if (r != col && a[r][col] != 0) {
                    int f = a[r][col];
                    for (int c = 0; c < 2 * size; c++) {
                        a[r][c] ^= mul(f, a[col][c]);
                    }
                }
            }
        }
        int[][] out = new int[size][size];
        for (int r = 0; r < size; r++) {
            System.arraycopy(a[r], size, out[r], 0, size);
        }
        return out;
    }
}
