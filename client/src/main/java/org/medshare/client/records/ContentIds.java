package org.medshare.client.records;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The text form of the store's content identifiers, read and written without the store: CIDv1, multicodec
 * {@code raw} (0x55), multihash {@code sha2-256} (0x12, 32 bytes), multibase base32 lower-case without padding
 * (prefix {@code b}; RFC 4648 section 6 alphabet). {@code sha2-256("hello world")} is
 * {@code bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e}.
 */
public final class ContentIds {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final byte[] PREFIX = {0x01, 0x55, 0x12, 0x20};

    private ContentIds() {}

    /** The CID text of content whose SHA-256 is {@code digest} (32 bytes). */
    public static String ofSha256(byte[] digest) {
        if (digest.length != 32) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes");
        }
        byte[] binary = new byte[PREFIX.length + 32];
        System.arraycopy(PREFIX, 0, binary, 0, PREFIX.length);
        System.arraycopy(digest, 0, binary, PREFIX.length, 32);
        StringBuilder out = new StringBuilder("b");
        int buffer = 0;
        int bits = 0;
        for (byte b : binary) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    /** The SHA-256 digest a CID text carries, or empty if the text is not such a CID. */
    public static Optional<byte[]> sha256Of(String cid) {
        if (cid == null || cid.length() < 2 || cid.charAt(0) != 'b') {
            return Optional.empty();
        }
        byte[] binary = new byte[cid.length() * 5 / 8];
        int buffer = 0;
        int bits = 0;
        int n = 0;
        for (char c : cid.substring(1).toLowerCase(Locale.ROOT).toCharArray()) {
            int v = ALPHABET.indexOf(c);
            if (v < 0) {
                return Optional.empty();
            }
            buffer = (buffer << 5) | v;
            bits += 5;
            if (bits >= 8) {
                binary[n++] = (byte) (buffer >>> (bits - 8));
                bits -= 8;
            }
        }
        if (n != PREFIX.length + 32 || !Arrays.equals(Arrays.copyOf(binary, PREFIX.length), PREFIX)) {
            return Optional.empty();
        }
        byte[] digest = Arrays.copyOfRange(binary, PREFIX.length, n);
        return ofSha256(digest).equals(cid) ? Optional.of(digest) : Optional.empty();
    }
}
