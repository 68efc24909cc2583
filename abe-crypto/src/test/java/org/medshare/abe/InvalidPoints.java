package org.medshare.abe;

import java.math.BigInteger;
import org.apache.milagro.amcl.BLS381.BIG;
import org.apache.milagro.amcl.BLS381.ECP2;
import org.apache.milagro.amcl.BLS381.FP2;

/** Test helper: encodings of curve points that are on the curve but outside the order-r subgroup. */
final class InvalidPoints {
    static final BigInteger P = new BigInteger(
            "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab", 16);

    private InvalidPoints() {}

    /** Uncompressed encoding of a point on y^2 = x^3 + 4 not in G1 (smallest x >= start that works). */
    static byte[] g1NotInSubgroup(int start) {
        for (BigInteger x = BigInteger.valueOf(start); ; x = x.add(BigInteger.ONE)) {
            BigInteger rhs = x.pow(3).add(BigInteger.valueOf(4)).mod(P);
            BigInteger y = rhs.modPow(P.add(BigInteger.ONE).shiftRight(2), P);
            if (y.multiply(y).mod(P).equals(rhs)) {
                byte[] out = new byte[96];
                put(out, 0, x);
                put(out, 48, y);
                if (!new supranational.blst.P1_Affine(out).in_group()) {
                    return out;
                }
            }
        }
    }

    /** Uncompressed encoding of a point on the G2 twist not in G2, built with Milagro. */
    static byte[] g2NotInSubgroup(int start) {
        for (int i = start; ; i++) {
            ECP2 q = new ECP2(new FP2(new BIG(i), new BIG(1)));
            if (q.is_infinity()) {
                continue;
            }
            q.affine();
            byte[] out = new byte[192];
            put(out, 0, big(q.getX().getB()));
            put(out, 48, big(q.getX().getA()));
            put(out, 96, big(q.getY().getB()));
            put(out, 144, big(q.getY().getA()));
            if (!new supranational.blst.P2_Affine(out).in_group()) {
                return out;
            }
        }
    }

    private static BigInteger big(BIG b) {
        byte[] o = new byte[48];
        b.toBytes(o);
        return new BigInteger(1, o);
    }

    private static void put(byte[] out, int off, BigInteger v) {
        byte[] raw = v.toByteArray();
        int len = Math.min(raw.length, 48);
        System.arraycopy(raw, raw.length - len, out, off + 48 - len, len);
    }
}
