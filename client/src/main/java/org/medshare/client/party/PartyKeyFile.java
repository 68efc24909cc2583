package org.medshare.client.party;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;
import org.medshare.enclave.Ed25519;

/**
 * A party's own Ed25519 signing key (a regulator's query-approval key, a hospital's key-grant key), kept by the
 * party in a file: PKCS#8 DER (RFC 8410 {@code PrivateKeyInfo}, the 48 bytes Java and WebCrypto both read), written
 * owner-only. The public half is derived from it ({@link Ed25519#keyPairOf}), so the file is all a party keeps.
 */
public final class PartyKeyFile {
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
            return Ed25519.keyPairOf(pkcs8);
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
