package org.medshare.enclave.ledger;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.medshare.enclave.Sha256;

/**
 * One ledger member's checkpoint verifier key, read from its signed-note verifier line {@code
 * <name>+<key id hex>+<base64(type || public key)>}: type {@code 0x01} with a 32-byte Ed25519 key (RFC 8032), type
 * {@code 0x04} with a 32-byte Ed25519 cosigner key (C2SP tlog-cosignature v1: the signature is a big-endian u64
 * timestamp and the Ed25519 signature over {@code "cosignature/v1\ntime <timestamp>\n"} and the note text), or
 * {@code 0xff "medshare.sm2"} with an SM2 SubjectPublicKeyInfo (SM3withSM2, default user id). The key id is
 * SHA-256(name || 0x0A || type || public key)[:4], as signed-note recommends; a line whose id does not match is
 * refused.
 */
final class CheckpointKey {
    private static final byte[] TYPE_ED25519 = {0x01};
    private static final byte[] TYPE_COSIGNATURE_V1 = {0x04};
    private static final byte[] TYPE_SM2 =
            concat(new byte[] {(byte) 0xff}, "medshare.sm2".getBytes(StandardCharsets.US_ASCII));
    private static final Provider BC = new BouncyCastleProvider();
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String name;
    private final int keyId;
    private final PublicKey key;
    private final byte[] type;
    private final String line;

    private CheckpointKey(String name, byte[] type, byte[] publicKey, PublicKey key, String line) {
        this.name = name;
        this.keyId = keyIdOf(name, type, publicKey);
        this.key = key;
        this.type = type;
        this.line = line;
    }

    static CheckpointKey parse(String verifierLine) {
        String line = verifierLine.strip();
        String[] parts = line.split("\\+", 3);
        if (parts.length != 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("a checkpoint key is <name>+<key id>+<base64>, not '" + line + "'");
        }
        byte[] blob;
        int keyId;
        try {
            blob = Base64.getDecoder().decode(parts[2]);
            keyId = (int) Long.parseLong(parts[1], 16);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("checkpoint key " + parts[0] + " is not well-formed");
        }
        try {
            CheckpointKey k;
            if ((startsWith(blob, TYPE_ED25519) || startsWith(blob, TYPE_COSIGNATURE_V1)) && blob.length == 33) {
                byte[] raw = Arrays.copyOfRange(blob, 1, 33);
                PublicKey pub = KeyFactory.getInstance("Ed25519")
                        .generatePublic(new X509EncodedKeySpec(concat(ED25519_SPKI_PREFIX, raw)));
                k = new CheckpointKey(parts[0], Arrays.copyOf(blob, 1), raw, pub, line);
            } else if (startsWith(blob, TYPE_SM2)) {
                byte[] spki = Arrays.copyOfRange(blob, TYPE_SM2.length, blob.length);
                PublicKey pub = KeyFactory.getInstance("EC", BC).generatePublic(new X509EncodedKeySpec(spki));
                k = new CheckpointKey(parts[0], TYPE_SM2, spki, pub, line);
            } else {
                throw new IllegalArgumentException("checkpoint key " + parts[0] + " has an unknown type");
            }
            if (k.keyId != keyId) {
                throw new IllegalArgumentException("checkpoint key " + parts[0] + ": its id does not match its key");
            }
            return k;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("checkpoint key " + parts[0] + " is not a valid public key");
        }
    }

    String name() {
        return name;
    }

    int keyId() {
        return keyId;
    }

    /** The verifier line this key was read from. */
    String line() {
        return line;
    }

    /** True iff {@code signature} is this key's signature (or cosignature) over exactly {@code text}. */
    boolean verifies(byte[] text, byte[] signature) {
        byte[] message = text;
        byte[] signed = signature;
        if (Arrays.equals(type, TYPE_COSIGNATURE_V1)) {
            if (signature.length != 8 + 64) {
                return false;
            }
            long timestamp = ByteBuffer.wrap(signature, 0, 8).getLong();
            if (timestamp < 0) {
                return false;
            }
            message = concat(("cosignature/v1\ntime " + timestamp + "\n").getBytes(StandardCharsets.US_ASCII), text);
            signed = Arrays.copyOfRange(signature, 8, signature.length);
        }
        try {
            Signature s = Arrays.equals(type, TYPE_SM2)
                    ? Signature.getInstance("SM3withSM2", BC)
                    : Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(message);
            return s.verify(signed);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static int keyIdOf(String name, byte[] type, byte[] publicKey) {
        MessageDigest md = Sha256.newDigest();
        md.update(name.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0x0a);
        md.update(type);
        md.update(publicKey);
        return new BigInteger(1, Arrays.copyOf(md.digest(), 4)).intValue();
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        return b.length >= prefix.length && Arrays.equals(b, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
