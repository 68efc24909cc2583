package org.medshare.enclave.rows;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The consortium-wide key of the patient pseudonym: {@code pseudonym = first 8 bytes (little-endian)
 * of HMAC-SHA-256(key, "medshare-pseudonym-v1" || 0x00 || patient identifier)} (RFC 2104 HMAC).
 * All hospitals hold the same key so one patient gets the same pseudonym everywhere, which the
 * minimum-group-size and contribution-bound checks need; the service and insurers never hold it.
 *
 * <p>Immutable; the key bytes never leave the object (no accessor, nothing in {@code toString}).
 * Keys compare in constant time.
 */
public final class PseudonymKey {
    private static final byte[] LABEL = "medshare-pseudonym-v1\0".getBytes(StandardCharsets.US_ASCII);
    private final byte[] key;

    private PseudonymKey(byte[] key) {
        this.key = key;
    }

    /**
     * @param key 32 bytes of key material (copied)
     * @throws InvalidKeyException if {@code key} is not 32 bytes
     */
    public static PseudonymKey of(byte[] key) throws InvalidKeyException {
        if (key == null || key.length != 32) {
            throw new InvalidKeyException("pseudonym key must be 32 bytes");
        }
        return new PseudonymKey(key.clone());
    }

    /** Pseudonym of a stable patient identifier (e.g. {@code system|value} of Patient.identifier). */
    public long pseudonymOf(String patientIdentifier) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(LABEL);
            byte[] h = mac.doFinal(patientIdentifier.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 7; i >= 0; i--) {
                v = (v << 8) | (h[i] & 0xFF);
            }
            return v;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PseudonymKey && MessageDigest.isEqual(key, ((PseudonymKey) o).key);
    }

    @Override
    public int hashCode() {
        return 0;
    }

    @Override
    public String toString() {
        return "PseudonymKey[redacted]";
    }
}
