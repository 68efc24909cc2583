package org.medshare.abe.internal;

import java.math.BigInteger;
import java.util.Arrays;
import supranational.blst.PT;

/**
 * An element of the target group GT of BLS12-381 (the order-r subgroup of Fp12*), with the two
 * operations jblst lacks: constant-time exponentiation and deserialisation.
 *
 * <p>Serialisation is blst's {@code blst_bendian_from_fp12}: twelve 48-byte big-endian Fp
 * coefficients, 576 bytes. {@link #fromBytes} refuses non-canonical coefficients (>= p) and elements
 * outside the order-r subgroup. Immutable: every operation returns a new element.
 */
public final class Gt {
    public static final int BYTES = 576;
    private static final int LIMBS = 72;
    private static final BigInteger P = new BigInteger(
            "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16);
    private static final BigInteger R_MONT = BigInteger.ONE.shiftLeft(384).mod(P);
    /** Position of the k-th serialised coefficient in blst's limb layout (fp12 = fp6[2], fp6 = fp2[3]). */
    private static final int[] SERIAL_TO_LIMB_COEFF = {0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11};

    private final PT value;

    Gt(PT value) {
        this.value = value;
    }

    /** Access to the protected limb constructor of jblst's PT. */
    private static final class Raw extends PT {
        private Raw(long[] limbs) {
            super(limbs);
        }

        static long[] limbs(PT p) {
            return getCPtr(p);
        }
    }

    public static Gt one() {
        return new Gt(PT.one());
    }

    /** Wraps a fully computed (final-exponentiated) pairing value. */
    public static Gt of(PT finalExponentiated) {
        return new Gt(finalExponentiated.dup());
    }

    PT raw() {
        return value;
    }

    public Gt mul(Gt other) {
        return new Gt(value.dup().mul(other.value));
    }

    public boolean isEqual(Gt other) {
        return value.is_equal(other.value);
    }

    public boolean isOne() {
        return value.is_one();
    }

    public byte[] toBytes() {
        return value.to_bendian();
    }

    /**
     * Parses 576 bytes.
     *
     * @throws IllegalArgumentException if the length is wrong, a coefficient is not reduced mod p, or
     *     the element is not in the order-r subgroup
     */
    public static Gt fromBytes(byte[] bytes) {
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("GT element must be " + BYTES + " bytes");
        }
        long[] limbs = new long[LIMBS];
        for (int k = 0; k < 12; k++) {
            BigInteger x = new BigInteger(1, Arrays.copyOfRange(bytes, 48 * k, 48 * k + 48));
            if (x.compareTo(P) >= 0) {
                throw new IllegalArgumentException("GT coefficient not reduced");
            }
            BigInteger mont = x.multiply(R_MONT).mod(P);
            int base = SERIAL_TO_LIMB_COEFF[k] * 6;
            for (int j = 0; j < 6; j++) {
                limbs[base + j] = mont.shiftRight(64 * j).longValue();
            }
        }
        PT pt = new Raw(limbs);
        if (!pt.in_group()) {
            throw new IllegalArgumentException("GT element not in the order-r subgroup");
        }
        return new Gt(pt.dup());
    }

    /**
     * {@code this^e} for {@code 0 <= e < 2^256}, by a fixed 4-bit window: always 256 squarings and 64
     * multiplications, table entries selected by masking over every entry, so the sequence of
     * operations and memory accesses does not depend on {@code e}.
     */
    public Gt pow(BigInteger e) {
        return multiPow(new Gt[] {this}, new BigInteger[] {e});
    }

    /**
     * {@code a^x * b^y} with one shared squaring chain (2-bit window per exponent, 16-entry joint
     * table), constant-time in the exponents as {@link #pow}.
     */
    public static Gt pow2(Gt a, BigInteger x, Gt b, BigInteger y) {
        return multiPow(new Gt[] {a, b}, new BigInteger[] {x, y});
    }

    private static Gt multiPow(Gt[] bases, BigInteger[] exps) {
        int n = bases.length;
        int w = n == 1 ? 4 : 2;
        int tableBits = w * n;
        int size = 1 << tableBits;
        long[][] table = new long[size][];
        PT[] tablePt = new PT[size];
        tablePt[0] = PT.one();
        // table[idx] = prod bases[i]^(digit_i) where idx = sum digit_i << (w*i)
        for (int idx = 1; idx < size; idx++) {
            int low = Integer.numberOfTrailingZeros(idx) / w;
            int prevIdx = idx - (1 << (w * low));
            tablePt[idx] = tablePt[prevIdx].dup().mul(bases[low].value);
        }
        for (int i = 0; i < size; i++) {
            table[i] = Raw.limbs(tablePt[i]).clone();
        }
        byte[][] eb = new byte[n][];
        for (int i = 0; i < n; i++) {
            if (exps[i].signum() < 0 || exps[i].bitLength() > 256) {
                throw new IllegalArgumentException("exponent out of range");
            }
            eb[i] = fixed32(exps[i]);
        }
        PT acc = PT.one();
        long[] sel = new long[LIMBS];
        int windows = 256 / w;
        for (int win = windows - 1; win >= 0; win--) {
            for (int s = 0; s < w; s++) {
                acc.sqr();
            }
            int idx = 0;
            for (int i = 0; i < n; i++) {
                idx |= digit(eb[i], win, w) << (w * i);
            }
            select(table, idx, sel);
            acc.mul(new Raw(sel.clone()));
        }
        Arrays.fill(sel, 0L);
        for (long[] t : table) {
            Arrays.fill(t, 0L);
        }
        return new Gt(acc);
    }

    private static byte[] fixed32(BigInteger e) {
        byte[] raw = e.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, out, 32 - len, len);
        return out;
    }

    /** The {@code w}-bit digit number {@code win} (0 = least significant) of a 32-byte big-endian value. */
    private static int digit(byte[] be, int win, int w) {
        int bit = win * w;
        int b = be[31 - bit / 8] & 0xff;
        return (b >>> (bit % 8)) & ((1 << w) - 1);
    }

    /** Copies table[idx] into out, touching every entry with masks (no secret-dependent branch or index). */
    private static void select(long[][] table, int idx, long[] out) {
        Arrays.fill(out, 0L);
        for (int i = 0; i < table.length; i++) {
            int diff = i ^ idx;
            long mask = ((long) (diff - 1) >> 63); // all ones iff diff == 0
            long[] t = table[i];
            for (int j = 0; j < LIMBS; j++) {
                out[j] |= t[j] & mask;
            }
        }
    }
}
