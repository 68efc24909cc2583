package org.medshare.abe;

import java.math.BigInteger;
import java.util.Objects;
import org.medshare.abe.internal.ByteReader;
import org.medshare.abe.internal.ByteWriter;
import org.medshare.abe.internal.Group;
import supranational.blst.P1_Affine;

/**
 * FAME master secret key (eprint 2017/807 §4 Setup): {@code a1, a2, b1, b2} and
 * {@code g^d1, g^d2, g^d3}, together with its {@link PublicParameters}. Immutable. The secret part is
 * read and written only with a {@link SecretKeyAccess}; {@link #toString()} shows no secret.
 *
 * <p>Wire format v1: {@code "MSMK" | u8 version=1 | u32 len | public parameters | a1 a2 b1 b2
 * (32 bytes each, big-endian, 0 < x < r) | g^d1 g^d2 g^d3 (96 bytes each)}.
 */
public final class MasterKey {
    private static final byte[] MAGIC = {'M', 'S', 'M', 'K'};
    private static final int VERSION = 1;

    private final PublicParameters publicParameters;
    private final BigInteger[] ab; // a1, a2, b1, b2
    private final P1_Affine[] gd; // g^d1, g^d2, g^d3

    MasterKey(PublicParameters publicParameters, BigInteger[] ab, P1_Affine[] gd) {
        this.publicParameters = publicParameters;
        this.ab = ab.clone();
        this.gd = gd.clone();
    }

    public PublicParameters publicParameters() {
        return publicParameters;
    }

    BigInteger a(int t) {
        return ab[t];
    }

    BigInteger b(int t) {
        return ab[2 + t];
    }

    P1_Affine gd(int i) {
        return gd[i];
    }

    /** Serialises the master key, secret included. */
    public byte[] toBytes(SecretKeyAccess access) {
        Objects.requireNonNull(access, "access");
        byte[] pp = publicParameters.toBytes();
        ByteWriter w = new ByteWriter().bytes(MAGIC).u8(VERSION).u32(pp.length).bytes(pp);
        for (BigInteger x : ab) {
            w.bytes(scalarBytes(x));
        }
        for (P1_Affine p : gd) {
            w.bytes(Group.encode(p));
        }
        return w.toByteArray();
    }

    /** @throws KeyFormatException if the bytes are not a valid v1 master key */
    public static MasterKey parse(byte[] bytes, SecretKeyAccess access) throws KeyFormatException {
        Objects.requireNonNull(access, "access");
        try {
            ByteReader r = ByteReader.afterHeader(
                    bytes, MAGIC, VERSION, v -> new KeyFormatException("unsupported master key version " + v));
            long ppLen = r.u32();
            if (ppLen > r.remaining()) {
                throw new IllegalArgumentException("truncated");
            }
            PublicParameters pp = PublicParameters.parse(r.bytes((int) ppLen));
            BigInteger[] ab = new BigInteger[4];
            for (int i = 0; i < 4; i++) {
                ab[i] = new BigInteger(1, r.bytes(32));
                if (ab[i].signum() == 0 || ab[i].compareTo(Group.ORDER) >= 0) {
                    throw new IllegalArgumentException("scalar out of range");
                }
            }
            P1_Affine[] gd = new P1_Affine[3];
            for (int i = 0; i < 3; i++) {
                gd[i] = Group.decodeG1Checked(r.bytes(Group.G1_BYTES));
            }
            r.expectEnd();
            return new MasterKey(pp, ab, gd);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("invalid master key: " + e.getMessage());
        }
    }

    static byte[] scalarBytes(BigInteger x) {
        byte[] raw = x.toByteArray();
        byte[] out = new byte[32];
        int len = Math.min(raw.length, 32);
        System.arraycopy(raw, raw.length - len, out, 32 - len, len);
        return out;
    }

    @Override
    public String toString() {
        return "MasterKey[" + publicParameters + "]";
    }
}
