package org.medshare.ledger.checkpoint;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.jcajce.provider.asymmetric.ec.BCECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECPublicKeySpec;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Note signing keys for the two suites.
 * <ul>
 *   <li>{@code nist}: Ed25519, signature type {@code 0x01}, public key = 32 raw bytes (RFC 8032),
 *       exactly as C2SP signed-note specifies.</li>
 *   <li>{@code gm}: SM2 with SM3 (GB/T 32918, default user id), signature type {@code 0xff}
 *       followed by the identifier {@code "medshare.sm2"} (signed-note reserves 0xff for unassigned
 *       types "followed by a longer identifier"); public key = DER SubjectPublicKeyInfo; signature =
 *       DER (r, s).</li>
 * </ul>
 * Key ids follow signed-note's recommendation: SHA-256(name || 0x0A || type bytes || public key)[:4].
 * Verifier key lines of type {@code 0x04} are Ed25519 cosigner keys ({@link CosignatureV1}).
 * Text forms: verifier {@code <name>+<keyid hex>+<base64(type || public key)>}; signer
 * {@code PRIVATE+KEY+<name>+<keyid hex>+<base64(type || private key)>} (Ed25519: 32-byte seed;
 * SM2: PKCS#8 DER).
 */
public final class NoteKeys {
    static final byte[] TYPE_ED25519 = {0x01};
    static final byte[] TYPE_SM2 = concat(new byte[] {(byte) 0xff}, "medshare.sm2".getBytes(StandardCharsets.US_ASCII));
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final Provider BC = new BouncyCastleProvider();

    private NoteKeys() {}

    /** A fresh Ed25519 signer ({@code nist} suite). */
    public static CheckpointSigner generateEd25519(String keyName) throws GeneralSecurityException {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        try {
            return ed25519FromSeed(keyName, seed);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** The Ed25519 signer with this 32-byte RFC 8032 seed (deterministic; for tests and key files). */
    public static CheckpointSigner ed25519FromSeed(String keyName, byte[] seed) throws GeneralSecurityException {
        if (seed.length != 32) {
            throw new GeneralSecurityException("Ed25519 seed must be 32 bytes");
        }
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey priv = kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed.clone()));
        PublicKey pub = ed25519PublicFromSeed(seed);
        return new JcaSigner(seed.clone(), priv, ed25519(keyName, pub));
    }

    private static PublicKey ed25519PublicFromSeed(byte[] seed) throws GeneralSecurityException {
        // The JDK derives the public key only through signing, so use BouncyCastle's RFC 8032 math.
        byte[] raw = new byte[32];
        Ed25519.generatePublicKey(seed, 0, raw, 0);
        return ed25519PublicKey(raw);
    }

    private static PublicKey ed25519PublicKey(byte[] raw) throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519")
                .generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, raw)));
    }

    /** A fresh SM2 signer ({@code gm} suite). */
    public static CheckpointSigner generateSm2(String keyName) throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", BC);
        g.initialize(new ECGenParameterSpec("sm2p256v1"), new SecureRandom());
        KeyPair kp = g.generateKeyPair();
        return sm2Signer(keyName, kp.getPrivate(), kp.getPublic());
    }

    private static CheckpointSigner sm2Signer(String keyName, PrivateKey priv, PublicKey pub)
            throws GeneralSecurityException {
        return new JcaSigner(priv.getEncoded(), priv, sm2(keyName, pub));
    }

    /** A verifier for an Ed25519 public key. */
    public static NoteVerifier ed25519Verifier(String keyName, PublicKey pub) throws GeneralSecurityException {
        return ed25519(keyName, pub);
    }

    private static JcaVerifier ed25519(String keyName, PublicKey pub) throws GeneralSecurityException {
        byte[] spki = pub.getEncoded();
        if (!"Ed25519".equals(pub.getAlgorithm()) && !"EdDSA".equals(pub.getAlgorithm()) || spki.length != 44) {
            throw new GeneralSecurityException("not an Ed25519 public key");
        }
        byte[] raw = Arrays.copyOfRange(spki, 12, 44);
        PublicKey jdk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        return new JcaVerifier(keyName, "Ed25519", "Ed25519", null, TYPE_ED25519, raw, jdk);
    }

    /** A verifier for an SM2 public key. */
    public static NoteVerifier sm2Verifier(String keyName, PublicKey pub) throws GeneralSecurityException {
        return sm2(keyName, pub);
    }

    private static JcaVerifier sm2(String keyName, PublicKey pub) throws GeneralSecurityException {
        byte[] spki = pub.getEncoded();
        PublicKey bc = KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(spki));
        return new JcaVerifier(keyName, "SM2", "SM3withSM2", BC, TYPE_SM2, spki, bc);
    }

    /** A verifier for a public key of either suite (by its algorithm). */
    public static NoteVerifier verifierFor(String keyName, PublicKey pub) throws GeneralSecurityException {
        String alg = pub.getAlgorithm();
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            return ed25519Verifier(keyName, pub);
        }
        if (alg.equals("EC") || alg.equals("SM2")) {
            return sm2Verifier(keyName, pub);
        }
        throw new GeneralSecurityException("unsupported note key algorithm " + alg);
    }

    /** The JCA public key behind a verifier made by this class (for certificates). */
    public static PublicKey publicKeyOf(NoteVerifier v) {
        if (!(CosignatureV1.plainKeyOf(v) instanceof JcaVerifier j)) {
            throw new IllegalArgumentException("not a NoteKeys verifier");
        }
        return j.key;
    }

    /** Parses a verifier key line written by {@link NoteVerifier#encode()}; checks the key id. */
    public static NoteVerifier parseVerifier(String vkey) throws GeneralSecurityException {
        String[] parts = vkey.strip().split("\\+", 3);
        if (parts.length != 3) {
            throw new GeneralSecurityException("verifier key must be <name>+<keyid>+<base64>");
        }
        byte[] blob;
        int keyId;
        try {
            blob = Base64.getDecoder().decode(parts[2]);
            keyId = (int) Long.parseLong(parts[1], 16);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("verifier key is not well-formed");
        }
        NoteVerifier v;
        if (startsWith(blob, TYPE_ED25519) && blob.length == 33) {
            v = ed25519Verifier(parts[0], ed25519PublicKey(Arrays.copyOfRange(blob, 1, 33)));
        } else if (startsWith(blob, CosignatureV1.TYPE) && blob.length == 33) {
            v = CosignatureV1.verifier(ed25519Verifier(parts[0], ed25519PublicKey(Arrays.copyOfRange(blob, 1, 33))));
        } else if (startsWith(blob, TYPE_SM2)) {
            byte[] spki = Arrays.copyOfRange(blob, TYPE_SM2.length, blob.length);
            v = sm2Verifier(parts[0], KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(spki)));
        } else {
            throw new GeneralSecurityException("unknown verifier key type");
        }
        if (v.keyId() != keyId) {
            throw new GeneralSecurityException("verifier key id does not match its name and key");
        }
        return v;
    }

    /** The private signer key line; requires the capability token. */
    public static String encodeSigner(CheckpointSigner signer, SecretKeyAccess access) {
        if (access == null || !(signer instanceof JcaSigner s)) {
            throw new IllegalArgumentException("only signers made by NoteKeys can be exported, with SecretKeyAccess");
        }
        return "PRIVATE+KEY+" + s.verifier.line(s.privateEncoding);
    }

    /** Parses a signer key line written by {@link #encodeSigner}. */
    public static CheckpointSigner parseSigner(String skey, SecretKeyAccess access) throws GeneralSecurityException {
        if (access == null) {
            throw new GeneralSecurityException("SecretKeyAccess required");
        }
        String[] parts = skey.strip().split("\\+", 5);
        if (parts.length != 5 || !parts[0].equals("PRIVATE") || !parts[1].equals("KEY")) {
            throw new GeneralSecurityException("signer key must be PRIVATE+KEY+<name>+<keyid>+<base64>");
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[4]);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("signer key is not base64");
        }
        CheckpointSigner s;
        if (startsWith(blob, TYPE_ED25519) && blob.length == 33) {
            s = ed25519FromSeed(parts[2], Arrays.copyOfRange(blob, 1, 33));
        } else if (startsWith(blob, TYPE_SM2)) {
            KeyFactory kf = KeyFactory.getInstance("EC", BC);
            PrivateKey priv =
                    kf.generatePrivate(new PKCS8EncodedKeySpec(Arrays.copyOfRange(blob, TYPE_SM2.length, blob.length)));
            BCECPrivateKey bcPriv = (BCECPrivateKey) priv;
            var params = bcPriv.getParameters();
            PublicKey pub = kf.generatePublic(
                    new ECPublicKeySpec(params.getG().multiply(bcPriv.getD()).normalize(), params));
            s = sm2Signer(parts[2], priv, pub);
        } else {
            throw new GeneralSecurityException("unknown signer key type");
        }
        Arrays.fill(blob, (byte) 0);
        if (!String.format("%08x", s.keyId()).equals(parts[3])) {
            throw new GeneralSecurityException("signer key id does not match");
        }
        return s;
    }

    static int keyId(String name, byte[] type, byte[] publicKey) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0x0a);
            md.update(type);
            md.update(publicKey);
            byte[] h = md.digest();
            return new BigInteger(1, Arrays.copyOf(h, 4)).intValue();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length > prefix.length && Arrays.equals(Arrays.copyOf(b, prefix.length), prefix);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(a.length + b.length);
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static final class JcaVerifier implements NoteVerifier {
        private final String keyName;
        private final String algorithm;
        private final String sigAlg;
        private final Provider provider;
        private final byte[] type;
        private final byte[] publicEncoding;
        private final PublicKey key;
        private final int keyId;

        JcaVerifier(
                String keyName,
                String algorithm,
                String sigAlg,
                Provider provider,
                byte[] type,
                byte[] publicEncoding,
                PublicKey key) {
            SignedNote.checkKeyName(keyName);
            this.keyName = keyName;
            this.algorithm = algorithm;
            this.sigAlg = sigAlg;
            this.provider = provider;
            this.type = type;
            this.publicEncoding = publicEncoding.clone();
            this.key = key;
            this.keyId = NoteKeys.keyId(keyName, type, publicEncoding);
        }

        @Override
        public String keyName() {
            return keyName;
        }

        @Override
        public int keyId() {
            return keyId;
        }

        @Override
        public String algorithm() {
            return algorithm;
        }

        /** A fresh signature engine of this key's algorithm. */
        Signature newSignature() throws GeneralSecurityException {
            return provider == null ? Signature.getInstance(sigAlg) : Signature.getInstance(sigAlg, provider);
        }

        /** {@code name+keyid+base64(type ‖ keyBytes)}: the key line of this key with {@code keyBytes}. */
        String line(byte[] keyBytes) {
            return keyName + "+" + String.format("%08x", keyId) + "+"
                    + Base64.getEncoder().encodeToString(concat(type, keyBytes));
        }

        @Override
        public boolean verify(byte[] noteText, byte[] signature) {
            try {
                Signature s = newSignature();
                s.initVerify(key);
                s.update(noteText);
                return s.verify(signature);
            } catch (GeneralSecurityException | RuntimeException e) {
                return false;
            }
        }

        @Override
        public String encode() {
            return line(publicEncoding);
        }

        @Override
        public String toString() {
            return "NoteVerifier[" + algorithm + " " + keyName + " " + String.format("%08x", keyId) + "]";
        }
    }

    /** A signer over a JCA private key; its algorithm, name and key id are those of its verifier. */
    private static final class JcaSigner implements CheckpointSigner {
        private final byte[] privateEncoding;
        private final PrivateKey key;
        private final JcaVerifier verifier;

        JcaSigner(byte[] privateEncoding, PrivateKey key, JcaVerifier verifier) {
            this.privateEncoding = privateEncoding;
            this.key = key;
            this.verifier = verifier;
        }

        @Override
        public String keyName() {
            return verifier.keyName;
        }

        @Override
        public int keyId() {
            return verifier.keyId;
        }

        @Override
        public NoteVerifier verifier() {
            return verifier;
        }

        @Override
        public NoteSignature sign(byte[] noteText) throws GeneralSecurityException {
            Signature s = verifier.newSignature();
            s.initSign(key);
            s.update(noteText);
            return new NoteSignature(verifier.keyName, verifier.keyId, s.sign());
        }

        /** Names the public key only. */
        @Override
        public String toString() {
            return "CheckpointSigner[" + verifier + "]";
        }
    }
}
