package org.medshare.store;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.codec.binary.Base32;

/**
 * A content identifier: CIDv1, multicodec {@code raw} (0x55), multihash {@code sha2-256} (0x12,
 * 32-byte digest), written in multibase base32 lower-case without padding (prefix {@code 'b'}).
 *
 * <p>Binary form (multiformats CID spec, "CIDv1"): {@code 0x01 0x55 0x12 0x20 <32-byte digest>}, 36
 * bytes; every varint here fits in one byte. The string form of {@code sha2-256("hello world")} is
 * {@code bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e}.
 *
 * <p>Immutable value type; equality is by digest.
 */
public final class Cid implements Comparable<Cid> {
    /** Length of the binary form. */
    public static final int BINARY_LENGTH = 36;

    private static final byte[] PREFIX = {0x01, 0x55, 0x12, 0x20};
    private static final Base32 BASE32 = new Base32();

    private final byte[] digest;
    private final String text;

    private Cid(byte[] digest) {
        this.digest = digest;
        byte[] binary = toBytesInternal(digest);
        this.text = "b" + BASE32.encodeToString(binary).replace("=", "").toLowerCase(Locale.ROOT);
    }

    /** The CID of {@code content}. */
    public static Cid of(byte[] content) {
        return of(content, 0, content.length);
    }

    /** The CID of {@code content[offset, offset + length)}. */
    public static Cid of(byte[] content, int offset, int length) {
        MessageDigest md = sha256();
        md.update(content, offset, length);
        return new Cid(md.digest());
    }

    /**
     * The CID whose multihash carries {@code sha256Digest}.
     *
     * @throws IllegalArgumentException unless the digest is 32 bytes
     */
    public static Cid fromDigest(byte[] sha256Digest) {
        if (sha256Digest == null || sha256Digest.length != 32) {
            throw new IllegalArgumentException("sha2-256 digest must be 32 bytes");
        }
        return new Cid(sha256Digest.clone());
    }

    /** A fresh SHA-256 digest for incremental hashing; finish with {@link #fromDigest(byte[])}. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /**
     * Parses the string form.
     *
     * @throws IllegalArgumentException if it is not a base32 CIDv1 raw sha2-256 identifier
     */
    public static Cid parse(String text) {
        if (text == null || text.length() != 59 || text.charAt(0) != 'b') {
            throw new IllegalArgumentException("not a base32 CIDv1 raw sha2-256 identifier");
        }
        String body = text.substring(1);
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                throw new IllegalArgumentException("not a base32 CIDv1 raw sha2-256 identifier");
            }
        }
        byte[] binary = BASE32.decode(body.toUpperCase(Locale.ROOT));
        Cid cid = fromBytes(binary);
        if (!cid.text.equals(text)) {
            throw new IllegalArgumentException("non-canonical CID encoding");
        }
        return cid;
    }

    /**
     * Parses the 36-byte binary form.
     *
     * @throws IllegalArgumentException if it is not a CIDv1 raw sha2-256 identifier
     */
    public static Cid fromBytes(byte[] binary) {
        if (binary == null
                || binary.length != BINARY_LENGTH
                || !Arrays.equals(binary, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            throw new IllegalArgumentException("not a CIDv1 raw sha2-256 identifier");
        }
        return new Cid(Arrays.copyOfRange(binary, PREFIX.length, BINARY_LENGTH));
    }

    /** True if {@code content} hashes to this CID. */
    public boolean matches(byte[] content) {
        return matches(content, 0, content.length);
    }

    /** True if {@code content[offset, offset + length)} hashes to this CID. */
    public boolean matches(byte[] content, int offset, int length) {
        MessageDigest md = sha256();
        md.update(content, offset, length);
        return MessageDigest.isEqual(md.digest(), digest);
    }

    /** The 36-byte binary form. */
    public byte[] toBytes() {
        return toBytesInternal(digest);
    }

    /** The 32-byte SHA-256 digest. */
    public byte[] digest() {
        return digest.clone();
    }

    private static byte[] toBytesInternal(byte[] digest) {
        byte[] out = new byte[BINARY_LENGTH];
        System.arraycopy(PREFIX, 0, out, 0, PREFIX.length);
        System.arraycopy(digest, 0, out, PREFIX.length, digest.length);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cid && Arrays.equals(((Cid) o).digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    @Override
    public int compareTo(Cid o) {
        return Arrays.compareUnsigned(digest, o.digest);
    }

    /** The canonical string form ({@code b...}). */
    @Override
    public String toString() {
        return text;
    }
}
