package org.medshare.abe.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import supranational.blst.P1;
import supranational.blst.P1_Affine;
import supranational.blst.P2;
import supranational.blst.P2_Affine;
import supranational.blst.PT;
import supranational.blst.Pairing;
import supranational.blst.Scalar;

/**
 * BLS12-381 helpers over jblst: scalars mod r, hashing to G1 (RFC 9380 hash_to_curve,
 * BLS12381G1_XMD:SHA-256_SSWU_RO_ with our own DST), fixed-size encodings and validated decoding.
 *
 * <p>Encodings are the uncompressed ZCash/IETF forms (96 bytes in G1, 192 in G2). Decoding checks the
 * encoding and that the point is on the curve; {@link #decodeG1Checked}/{@link #decodeG2Checked} also
 * check membership of the order-r subgroup and refuse the point at infinity.
 */
public final class Group {
    public static final BigInteger ORDER =
            new BigInteger("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16);
    public static final int G1_BYTES = 96;
    public static final int G2_BYTES = 192;
    public static final String HASH_DST = "MEDSHARE-V1-FAME-CPABE_BLS12381G1_XMD:SHA-256_SSWU_RO_";

    private static final int CACHE_LIMIT = 16_384;
    private static final Map<String, P1_Affine> HASH_CACHE = new ConcurrentHashMap<>();
    private static volatile boolean cacheEnabled = true;

    private Group() {}

    /** Uniform non-zero scalar mod r (48 random bytes reduced: bias below 2^-128). */
    public static BigInteger randomScalar(SecureRandom rnd) {
        while (true) {
            byte[] b = new byte[48];
            rnd.nextBytes(b);
            BigInteger x = new BigInteger(1, b).mod(ORDER);
            if (x.signum() != 0) {
                return x;
            }
        }
    }

    /** Scalar for blst's constant-time ladder (always 255 bits). */
    public static Scalar scalar(BigInteger x) {
        byte[] raw = x.mod(ORDER).toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, out, 32 - len, len);
        return new Scalar().from_bendian(out);
    }

    public static P1 g1() {
        return P1.generator();
    }

    public static P2 g2() {
        return P2.generator();
    }

    /** {@code p^x} in G1 for a secret exponent. */
    public static P1 mul(P1_Affine p, BigInteger x) {
        return p.to_jacobian().mult(scalar(x));
    }

    public static P2 mul(P2_Affine p, BigInteger x) {
        return p.to_jacobian().mult(scalar(x));
    }

    /** {@code p^m} for a small public signed integer (span-program entry); reduces large ones mod r. */
    public static P1 mulPublic(P1_Affine p, BigInteger m) {
        if (m.equals(BigInteger.ONE)) {
            return p.to_jacobian();
        }
        if (m.equals(BigInteger.ONE.negate())) {
            return p.to_jacobian().neg();
        }
        BigInteger abs = m.abs();
        if (abs.bitLength() > 254) {
            return p.to_jacobian().mult(m.mod(ORDER));
        }
        P1 r = p.to_jacobian().mult(abs);
        return m.signum() < 0 ? r.neg() : r;
    }

    /** Hash of an attribute component: H(0x01 || l || t || utf8(attribute)). */
    public static P1_Affine hashAttribute(String attribute, int l, int t) {
        byte[] a = attribute.getBytes(StandardCharsets.UTF_8);
        byte[] msg = new byte[3 + a.length];
        msg[0] = 1;
        msg[1] = (byte) l;
        msg[2] = (byte) t;
        System.arraycopy(a, 0, msg, 3, a.length);
        return hash(msg);
    }

    /** Hash of a span-program column: H(0x02 || l || t || uint32(column)), columns counted from 1. */
    public static P1_Affine hashColumn(int column, int l, int t) {
        byte[] msg = {
            2, (byte) l, (byte) t, (byte) (column >>> 24), (byte) (column >>> 16), (byte) (column >>> 8), (byte) column
        };
        return hash(msg);
    }

    private static P1_Affine hash(byte[] msg) {
        if (!cacheEnabled) {
            return new P1().hash_to(msg, HASH_DST).to_affine();
        }
        String k = HexFormat.of().formatHex(msg);
        P1_Affine hit = HASH_CACHE.get(k);
        if (hit != null) {
            return hit;
        }
        P1_Affine h = new P1().hash_to(msg, HASH_DST).to_affine();
        if (HASH_CACHE.size() >= CACHE_LIMIT) {
            HASH_CACHE.clear();
        }
        HASH_CACHE.put(k, h);
        return h;
    }

    /**
     * Turns the cache of hashed attributes/columns (public values) on or off; for benchmarks that
     * want to measure cold hashing. Clears it either way.
     */
    public static void setHashCache(boolean enabled) {
        cacheEnabled = enabled;
        HASH_CACHE.clear();
    }

    public static byte[] encode(P1_Affine p) {
        return p.serialize();
    }

    public static byte[] encode(P2_Affine p) {
        return p.serialize();
    }

    /** Decodes an on-curve G1 point (subgroup NOT checked: caller checks what enters a pairing). */
    public static P1_Affine decodeG1OnCurve(byte[] b) {
        if (b.length != G1_BYTES) {
            throw new IllegalArgumentException("G1 point must be " + G1_BYTES + " bytes");
        }
        try {
            P1_Affine p = new P1_Affine(b);
            if (!p.on_curve()) {
                throw new IllegalArgumentException("G1 point not on curve");
            }
            return p;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad G1 encoding");
        }
    }

    /** Decodes a G1 point and checks subgroup membership; refuses infinity. */
    public static P1_Affine decodeG1Checked(byte[] b) {
        P1_Affine p = decodeG1OnCurve(b);
        if (p.is_inf() || !p.in_group()) {
            throw new IllegalArgumentException("G1 point not in the order-r subgroup");
        }
        return p;
    }

    /** Decodes a G2 point and checks subgroup membership; refuses infinity. */
    public static P2_Affine decodeG2Checked(byte[] b) {
        if (b.length != G2_BYTES) {
            throw new IllegalArgumentException("G2 point must be " + G2_BYTES + " bytes");
        }
        P2_Affine p;
        try {
            p = new P2_Affine(b);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("bad G2 encoding");
        }
        if (!p.on_curve() || p.is_inf() || !p.in_group()) {
            throw new IllegalArgumentException("G2 point not in the order-r subgroup");
        }
        return p;
    }

    /** e(g1, g2) computed in full. */
    public static Gt pair(P1_Affine p, P2_Affine q) {
        return Gt.of(new PT(p, q).final_exp());
    }

    /**
     * {@code prod e(ps[i], qs[i])}: the Miller loops accumulated in one blst pairing context (which
     * shares the Fp12 squarings across up to eight pairs), then one final exponentiation.
     */
    public static Gt pairingProduct(P1_Affine[] ps, P2_Affine[] qs) {
        Pairing ctx = new Pairing(false, "");
        for (int i = 0; i < ps.length; i++) {
            ctx.raw_aggregate(qs[i], ps[i]);
        }
        ctx.commit();
        return Gt.of(ctx.as_fp12().final_exp());
    }
}
