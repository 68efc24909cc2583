package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 signatures (RFC 8032) over byte strings, as the simulator's structures sign and check them; every JDK
 * provides the algorithm.
 */
public final class Ed25519 {
    private static final String ALGORITHM = "Ed25519";
    /** RFC 8410 PrivateKeyInfo prefix of an Ed25519 seed: SEQUENCE, version 0, id-Ed25519, OCTET STRING(OCTET STRING). */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    /** RFC 8410 SubjectPublicKeyInfo prefix of an Ed25519 public key. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

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

    /**
     * The key pair of an Ed25519 private key in PKCS#8 (RFC 8410 {@code PrivateKeyInfo} of a 32-byte seed, the 48
     * bytes Java and WebCrypto write), its public half derived from the seed (RFC 8032 §5.1.5).
     *
     * @throws GeneralSecurityException if {@code pkcs8} is not such a key
     */
    public static KeyPair keyPairOf(byte[] pkcs8) throws GeneralSecurityException {
        if (pkcs8.length != PKCS8_PREFIX.length + org.bouncycastle.math.ec.rfc8032.Ed25519.SECRET_KEY_SIZE
                || !Arrays.equals(Arrays.copyOf(pkcs8, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
            throw new InvalidKeySpecException("not an Ed25519 PKCS#8 private key");
        }
        byte[] spki = Arrays.copyOf(
                SPKI_PREFIX, SPKI_PREFIX.length + org.bouncycastle.math.ec.rfc8032.Ed25519.PUBLIC_KEY_SIZE);
        org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(
                pkcs8, PKCS8_PREFIX.length, spki, SPKI_PREFIX.length);
        KeyFactory ed25519 = KeyFactory.getInstance(ALGORITHM);
        return new KeyPair(
                ed25519.generatePublic(new X509EncodedKeySpec(spki)),
                ed25519.generatePrivate(new PKCS8EncodedKeySpec(pkcs8)));
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
