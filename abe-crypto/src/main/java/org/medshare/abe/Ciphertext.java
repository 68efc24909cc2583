package org.medshare.abe;

import java.util.Arrays;
import org.medshare.abe.internal.ByteReader;
import org.medshare.abe.internal.ByteWriter;
import org.medshare.abe.internal.Group;

/**
 * A FAME key-encapsulation ciphertext (eprint 2017/807 §4 Encrypt, without the GT component: the
 * KEM key is derived from {@code T1^s1 T2^s2}): the policy, {@code ct0} (3 points of G2) and one
 * {@code ct_i} (3 points of G1) per span-program row.
 *
 * <p>Wire format v1: {@code "MSCT" | u8 version=1 | u16-length UTF-8 policy | u16 rows | ct0 3 x 192 |
 * rows x 3 x 96}. {@link #parse} checks the structure (the row count must equal the policy's span
 * program); group elements are validated when decapsulation reads them: every point's encoding and
 * curve equation, {@code ct0} and every G1 value entering a pairing for subgroup membership.
 */
public final class Ciphertext {
    private static final byte[] MAGIC = {'M', 'S', 'C', 'T'};
    private static final int VERSION = 1;
    static final int ROW_BYTES = 3 * Group.G1_BYTES;

    private final Policy policy;
    private final byte[] ct0;
    private final byte[] rows;
    private final int rowCount;

    Ciphertext(Policy policy, byte[] ct0, byte[] rows, int rowCount) {
        this.policy = policy;
        this.ct0 = ct0;
        this.rows = rows;
        this.rowCount = rowCount;
    }

    public Policy policy() {
        return policy;
    }

    int rowCount() {
        return rowCount;
    }

    byte[] ct0(int l) {
        return Arrays.copyOfRange(ct0, l * Group.G2_BYTES, (l + 1) * Group.G2_BYTES);
    }

    byte[] row(int i, int l) {
        int off = i * ROW_BYTES + l * Group.G1_BYTES;
        return Arrays.copyOfRange(rows, off, off + Group.G1_BYTES);
    }

    public byte[] toBytes() {
        return new ByteWriter()
                .bytes(MAGIC)
                .u8(VERSION)
                .string(policy.toString())
                .u16(rowCount)
                .bytes(ct0)
                .bytes(rows)
                .toByteArray();
    }

    /** @throws MalformedCiphertextException if the structure is not a v1 ciphertext */
    public static Ciphertext parse(byte[] bytes) throws MalformedCiphertextException {
        try {
            ByteReader r = ByteReader.afterHeader(
                    bytes,
                    MAGIC,
                    VERSION,
                    v -> new MalformedCiphertextException("unsupported ciphertext version " + v));
            Policy policy = Policy.parse(r.string());
            int n = r.u16();
            if ((long) n * ROW_BYTES + 3L * Group.G2_BYTES != r.remaining()) {
                throw new IllegalArgumentException("length does not match row count");
            }
            if (policy.spanProgram().rowCount() != n) {
                throw new IllegalArgumentException("row count does not match policy");
            }
            byte[] ct0 = r.bytes(3 * Group.G2_BYTES);
            byte[] rows = r.bytes(n * ROW_BYTES);
            return new Ciphertext(policy, ct0, rows, n);
        } catch (IllegalArgumentException e) {
            throw new MalformedCiphertextException("malformed ciphertext: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "Ciphertext[policy=" + policy + ", rows=" + rowCount + "]";
    }
}
