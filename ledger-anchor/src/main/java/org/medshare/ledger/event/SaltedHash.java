package org.medshare.ledger.event;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Salted SHA-256 for putting a sensitive value (a patient pseudonym, an attribute set) on the ledger
 * without revealing it: {@code SHA-256("medshare/salted-hash/v1" || 0x00 || len(label) || label ||
 * len(salt) || salt || value)}. Without the salt (kept off-chain, ≥ 16 bytes) the value cannot be
 * confirmed by guessing; deleting the salt makes the ledger entry unlinkable (erasure).
 */
public final class SaltedHash {
    private static final byte[] DOMAIN = "medshare/salted-hash/v1".getBytes(StandardCharsets.US_ASCII);

    private SaltedHash() {}

    /**
     * @param label what the value is, e.g. {@code "subject"}; separates hashes of different fields
     * @param salt at least 16 random bytes
     * @param value the value to hide
     */
    public static byte[] of(String label, byte[] salt, byte[] value) {
        if (salt.length < 16) {
            throw new IllegalArgumentException("salt must be at least 16 bytes");
        }
        byte[] l = label.getBytes(StandardCharsets.UTF_8);
        MessageDigest md = sha256();
        md.update(DOMAIN);
        md.update((byte) 0);
        md.update(ByteBuffer.allocate(4).putInt(l.length).array());
        md.update(l);
        md.update(ByteBuffer.allocate(4).putInt(salt.length).array());
        md.update(salt);
        md.update(value);
        return md.digest();
    }

    /** Plain SHA-256 of public bytes (ciphertext, query text, certificates). */
    public static byte[] sha256(byte[] publicBytes) {
        return sha256().digest(publicBytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
