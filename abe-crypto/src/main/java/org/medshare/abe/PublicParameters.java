package org.medshare.abe;

import java.util.Arrays;
import java.util.HexFormat;
import org.medshare.abe.internal.ByteReader;
import org.medshare.abe.internal.ByteWriter;
import org.medshare.abe.internal.Group;
import org.medshare.abe.internal.Gt;
import org.medshare.abe.internal.Sha256;
import supranational.blst.P2_Affine;

/**
 * FAME public key (eprint 2017/807, §4 Setup, with assumption size k = 2): {@code H1 = h^a1},
 * {@code H2 = h^a2}, {@code T1 = e(g,h)^(d1 a1 + d3)}, {@code T2 = e(g,h)^(d2 a2 + d3)}, where
 * {@code g}, {@code h} are the standard BLS12-381 generators. Also records the authority's default
 * symmetric {@link Suite}. Contains nothing secret.
 *
 * <p>Wire format v1: {@code "MSPP" | u8 version=1 | u8 suite | H1 (192) | H2 (192) | T1 (576) | T2 (576)}.
 * {@link #parse} checks every group element for subgroup membership.
 */
public final class PublicParameters {
    static final byte[] MAGIC = {'M', 'S', 'P', 'P'};
    static final int VERSION = 1;

    private final P2_Affine h1;
    private final P2_Affine h2;
    private final Gt t1;
    private final Gt t2;
    private final Suite defaultSuite;
    private final byte[] encoded;

    PublicParameters(P2_Affine h1, P2_Affine h2, Gt t1, Gt t2, Suite defaultSuite) {
        this.h1 = h1;
        this.h2 = h2;
        this.t1 = t1;
        this.t2 = t2;
        this.defaultSuite = defaultSuite;
        this.encoded = new ByteWriter()
                .bytes(MAGIC)
                .u8(VERSION)
                .u8(defaultSuite.id())
                .bytes(Group.encode(h1))
                .bytes(Group.encode(h2))
                .bytes(t1.toBytes())
                .bytes(t2.toBytes())
                .toByteArray();
    }

    /** @throws KeyFormatException if the bytes are not valid v1 public parameters */
    public static PublicParameters parse(byte[] bytes) throws KeyFormatException {
        try {
            ByteReader r = ByteReader.afterHeader(
                    bytes, MAGIC, VERSION, v -> new KeyFormatException("unsupported public parameters version " + v));
            Suite suite = Suite.fromId(r.u8());
            P2_Affine h1 = Group.decodeG2Checked(r.bytes(Group.G2_BYTES));
            P2_Affine h2 = Group.decodeG2Checked(r.bytes(Group.G2_BYTES));
            Gt t1 = Gt.fromBytes(r.bytes(Gt.BYTES));
            Gt t2 = Gt.fromBytes(r.bytes(Gt.BYTES));
            r.expectEnd();
            return new PublicParameters(h1, h2, t1, t2, suite);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("invalid public parameters: " + e.getMessage());
        }
    }

    public byte[] toBytes() {
        return encoded.clone();
    }

    /** The symmetric suite chosen at {@code authority init}; encryption may override it. */
    public Suite defaultSuite() {
        return defaultSuite;
    }

    /** SHA-256 of the encoding: identifies the authority these parameters belong to. */
    public byte[] fingerprint() {
        return Sha256.hash(encoded);
    }

    P2_Affine h1() {
        return h1;
    }

    P2_Affine h2() {
        return h2;
    }

    Gt t1() {
        return t1;
    }

    Gt t2() {
        return t2;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PublicParameters p && Arrays.equals(p.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return "PublicParameters[FAME/BLS12-381, suite=" + defaultSuite.label() + ", fingerprint="
                + HexFormat.of().formatHex(fingerprint(), 0, 8) + "]";
    }
}
