package org.medshare.abe;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.medshare.abe.internal.ByteReader;
import org.medshare.abe.internal.ByteWriter;
import org.medshare.abe.internal.Group;
import supranational.blst.P1_Affine;
import supranational.blst.P2_Affine;

/**
 * A FAME user secret key for a set of attributes (eprint 2017/807 §4 KeyGen): {@code sk0} (3 points
 * of G2), per attribute {@code sk_y} (3 points of G1) and {@code sk'} (3 points of G1). Immutable;
 * the key material is serialised only with a {@link SecretKeyAccess}, and {@link #toString()} shows the
 * attributes only.
 *
 * <p>Wire format v1: {@code "MSUK" | u8 version=1 | u16 n | n x (u16-length UTF-8 attribute | 3 x 96)
 * | sk0 3 x 192 | sk' 3 x 96}, attributes in sorted order. {@link #parse} checks every point for
 * subgroup membership.
 */
public final class UserKey {
    private static final byte[] MAGIC = {'M', 'S', 'U', 'K'};
    private static final int VERSION = 1;
    private static final int MAX_ATTRIBUTES = 4096;

    private final Map<String, P1_Affine[]> perAttribute;
    private final P2_Affine[] k0;
    private final P1_Affine[] kPrime;
    private final P2_Affine[] k0Negated;

    UserKey(Map<String, P1_Affine[]> perAttribute, P2_Affine[] k0, P1_Affine[] kPrime) {
        this.perAttribute = Collections.unmodifiableMap(new TreeMap<>(perAttribute));
        this.k0 = k0.clone();
        this.kPrime = kPrime.clone();
        this.k0Negated = new P2_Affine[3];
        for (int l = 0; l < 3; l++) {
            k0Negated[l] = k0[l].to_jacobian().neg().to_affine();
        }
    }

    /** The attributes this key was issued for (sorted, unmodifiable). */
    public Set<String> attributes() {
        return perAttribute.keySet();
    }

    P1_Affine[] attributeKey(String attribute) {
        return perAttribute.get(attribute);
    }

    P2_Affine k0(int l) {
        return k0[l];
    }

    /** {@code -sk0_l}, precomputed so decryption needs no inversion for the denominator pairings. */
    P2_Affine k0Negated(int l) {
        return k0Negated[l];
    }

    P1_Affine kPrime(int l) {
        return kPrime[l];
    }

    public byte[] toBytes(SecretKeyAccess access) {
        Objects.requireNonNull(access, "access");
        ByteWriter w = new ByteWriter().bytes(MAGIC).u8(VERSION).u16(perAttribute.size());
        for (Map.Entry<String, P1_Affine[]> e : perAttribute.entrySet()) {
            w.string(e.getKey());
            for (P1_Affine p : e.getValue()) {
                w.bytes(Group.encode(p));
            }
        }
        for (P2_Affine p : k0) {
            w.bytes(Group.encode(p));
        }
        for (P1_Affine p : kPrime) {
            w.bytes(Group.encode(p));
        }
        return w.toByteArray();
    }

    /** @throws KeyFormatException if the bytes are not a valid v1 user key */
    public static UserKey parse(byte[] bytes, SecretKeyAccess access) throws KeyFormatException {
        Objects.requireNonNull(access, "access");
        try {
            ByteReader r = ByteReader.afterHeader(
                    bytes, MAGIC, VERSION, v -> new KeyFormatException("unsupported user key version " + v));
            int n = r.u16();
            if (n > MAX_ATTRIBUTES || (long) n * 3 * Group.G1_BYTES > r.remaining()) {
                throw new IllegalArgumentException("attribute count out of range");
            }
            Map<String, P1_Affine[]> map = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                String attr = r.string();
                Attribute.of(attr);
                P1_Affine[] k = new P1_Affine[3];
                for (int l = 0; l < 3; l++) {
                    k[l] = Group.decodeG1Checked(r.bytes(Group.G1_BYTES));
                }
                if (map.put(attr, k) != null) {
                    throw new IllegalArgumentException("duplicate attribute");
                }
            }
            P2_Affine[] k0 = new P2_Affine[3];
            for (int l = 0; l < 3; l++) {
                k0[l] = Group.decodeG2Checked(r.bytes(Group.G2_BYTES));
            }
            P1_Affine[] kp = new P1_Affine[3];
            for (int l = 0; l < 3; l++) {
                kp[l] = Group.decodeG1Checked(r.bytes(Group.G1_BYTES));
            }
            r.expectEnd();
            return new UserKey(map, k0, kp);
        } catch (IllegalArgumentException e) {
            throw new KeyFormatException("invalid user key: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "UserKey" + attributes();
    }
}
