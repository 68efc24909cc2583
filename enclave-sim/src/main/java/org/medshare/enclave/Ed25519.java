package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 signatures (RFC 8032) over byte strings, as the simulator's structures sign and check them; every JDK
 * provides the algorithm.
 */
public final class Ed25519 {
    private static final String ALGORITHM = "Ed25519";

    private Ed25519() {}

    /** The signature by {@code key} over {@code message}. */
    public static byte[] sign(PrivateKey key, byte[] message) throws GeneralSecurityException {
        Signature s = Signature.getInstance(ALGORITHM);
        s.initSign(key);
        s.update(message);
        return s.sign();
    }

    /**
     * Whether {@code signature} is {@code key}'s signature over {@code message}. Never throws: a key that is not an
     * Ed25519 key or a malformed signature is simply not a valid signature.
     */
    public static boolean verifies(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    /** {@link #verifies(PublicKey, byte[], byte[])} with the key as an X.509 SubjectPublicKeyInfo; false if it does not parse. */
    public static boolean verifies(byte[] spki, byte[] message, byte[] signature) {
        PublicKey key;
        try {
            key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
        return verifies(key, message, signature);
    }
}
