package org.medshare.abe.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 (FIPS 180-4), the one place this library computes it; every Java platform provides the algorithm. */
public final class Sha256 {
    /** Digest length in bytes. */
    public static final int LENGTH = 32;

    private Sha256() {}

    /** SHA-256 of the concatenation of {@code parts}. */
    public static byte[] hash(byte[]... parts) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }
}
