package org.medshare.client.party;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;

/**
 * A party's own Ed25519 signing key (a regulator's query-approval key, a hospital's key-grant key), kept by the
 * party in a file: PKCS#8 DER (RFC 8410 {@code PrivateKeyInfo}, the 48 bytes Java and WebCrypto both read), written
 * owner-only. The public half is derived from it (RFC 8032 §5.1.5), so the file is all a party keeps.
 */
public final class PartyKeyFile {
    /** RFC 8410 PrivateKeyInfo prefix for an Ed25519 seed: SEQUENCE, version 0, id-Ed25519, OCTET STRING(OCTET STRING(32)). */
    private static final byte[] PKCS8_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
    /** RFC 8410 SubjectPublicKeyInfo prefix for an Ed25519 public key. */
    private static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private PartyKeyFile() {}

    /** Makes a new key, writes it to {@code file} (owner-only, atomically; refuses to overwrite) and returns it. */
    public static KeyPair create(Path file) throws IOException {
        if (Files.exists(file)) {
            throw CliFailure.usage(file + " exists; a party key is never overwritten");
        }
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable", e);
        }
        AtomicOutput.write(file, pair.getPrivate().getEncoded(), true);
        return pair;
    }

    /**
     * Reads a key written by {@link #create}.
     *
     * @throws CliFailure usage error when the file is missing or is not an Ed25519 PKCS#8 key
     */
    public static KeyPair read(Path file) throws IOException {
        byte[] pkcs8;
        try {
            pkcs8 = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage("key file not found: " + file);
        }
        try {
            if (pkcs8.length != PKCS8_PREFIX.length + Ed25519.SECRET_KEY_SIZE
                    || !Arrays.equals(Arrays.copyOf(pkcs8, PKCS8_PREFIX.length), PKCS8_PREFIX)) {
                throw CliFailure.usage(file + " is not an Ed25519 PKCS#8 key (medshare party keygen writes one)");
            }
            byte[] raw = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(pkcs8, PKCS8_PREFIX.length, raw, 0);
            KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
            PrivateKey privateKey = ed25519.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            byte[] spki = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + raw.length);
            System.arraycopy(raw, 0, spki, SPKI_PREFIX.length, raw.length);
            PublicKey publicKey = ed25519.generatePublic(new X509EncodedKeySpec(spki));
            return new KeyPair(publicKey, privateKey);
        } catch (GeneralSecurityException e) {
            throw CliFailure.usage(file + " is not an Ed25519 PKCS#8 key (medshare party keygen writes one)");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The line of the consortium's party keys file that lists {@code key} for {@code role} at {@code organisation}. */
    public static String partyLine(String role, String organisation, PublicKey key) {
        return role + " " + organisation + " " + Base64.getEncoder().encodeToString(key.getEncoded());
    }
}
