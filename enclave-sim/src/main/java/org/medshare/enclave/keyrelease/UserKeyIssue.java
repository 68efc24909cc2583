package org.medshare.enclave.keyrelease;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.UserKey;
import org.medshare.enclave.Hex;
import org.medshare.enclave.Hkdf;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * A clinician's ABE user key as the key authority hands it out: wrapped to the clinician's own X25519 key,
 * so that only the holder of the matching private key — never the host that relays it — can open it, plus
 * the authority's signed {@link Statement} of what it issued (the KEY_ISSUED event refers to its hash).
 *
 * <p>Wrapping: X25519(ephemeral, recipient) → HKDF-SHA256(salt {@code "medshare.user-key.v1"}, info =
 * ephemeral SPKI ‖ recipient SPKI ‖ grant hash) → AES-256-GCM, AAD = {@code "medshare.user-key.aad.v1"} ‖
 * grant hash ‖ SHA-256(recipient SPKI); the signed statement commits to the wrapped bytes' hash. Encoding v1: u8 1, bytes statement, bytes ephemeral SPKI, bytes iv (12), bytes wrapped
 * key, bytes Ed25519 signature of the authority's attested key over {@code "medshare.user-key-issue.v1"} ‖
 * statement.
 */
public record UserKeyIssue(Statement statement, byte[] ephemeralSpki, byte[] iv, byte[] wrappedKey, byte[] signature) {
    static final byte[] WRAP_SALT = "medshare.user-key.v1".getBytes(StandardCharsets.US_ASCII);
    static final String SIGNATURE_DOMAIN = "medshare.user-key-issue.v1";

    /**
     * What the authority issued, signed by it.
     *
     * @param grantHash       SHA-256 of the {@link UserKeyGrant} it honoured
     * @param recipientSha256 SHA-256 of the recipient's X25519 SPKI
     * @param wrappedSha256   SHA-256 of the wrapped key
     * @param authority       the authority's MRENCLAVE
     */
    public record Statement(
            byte[] grantHash,
            String organisation,
            String subject,
            SortedSet<String> attributes,
            byte[] recipientSha256,
            byte[] wrappedSha256,
            byte[] authority,
            Instant issuedAt) {
        public Statement {
            attributes = Collections.unmodifiableSortedSet(new TreeSet<>(attributes));
        }

        public byte[] toBytes() {
            WireWriter w = new WireWriter()
                    .u8(1)
                    .fixed(grantHash)
                    .utf8(organisation)
                    .utf8(subject)
                    .i32(attributes.size());
            attributes.forEach(w::utf8);
            return w.fixed(recipientSha256)
                    .fixed(wrappedSha256)
                    .fixed(authority)
                    .i64(issuedAt.toEpochMilli())
                    .toByteArray();
        }

        public static Statement parse(byte[] bytes) throws MalformedEncodingException {
            WireReader r = WireReader.versioned(bytes, 1, "user key statement");
            byte[] grant = r.fixed(32);
            String organisation = r.utf8();
            String subject = r.utf8();
            TreeSet<String> attributes = UserKeyGrant.readAttributes(r, r.i32());
            return r.end(new Statement(
                    grant,
                    organisation,
                    subject,
                    attributes,
                    r.fixed(32),
                    r.fixed(32),
                    r.fixed(32),
                    Instant.ofEpochMilli(r.i64())));
        }

        /**
         * The key id: hex SHA-256 of the grant it was issued on (a grant issues one key), which is also the key id of
         * the KEY_ISSUED event the authority required on the ledger before issuing.
         */
        public String keyId() {
            return Hex.of(grantHash);
        }
    }

    /** What the authority signs: domain label ‖ statement. */
    public static byte[] signingInput(Statement statement) {
        return new WireWriter()
                .utf8(SIGNATURE_DOMAIN)
                .bytes(statement.toBytes())
                .toByteArray();
    }

    public byte[] toBytes() {
        return new WireWriter()
                .u8(1)
                .bytes(statement.toBytes())
                .bytes(ephemeralSpki)
                .bytes(iv)
                .bytes(wrappedKey)
                .bytes(signature)
                .toByteArray();
    }

    public static UserKeyIssue parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "user key issue");
        return r.end(new UserKeyIssue(Statement.parse(r.bytes()), r.bytes(), r.bytes(), r.bytes(), r.bytes()));
    }

    static byte[] wrapKey(byte[] shared, byte[] ephemeralSpki, byte[] recipientSpki, byte[] grantHash) {
        byte[] info = new WireWriter()
                .bytes(ephemeralSpki)
                .bytes(recipientSpki)
                .fixed(grantHash)
                .toByteArray();
        return Hkdf.sha256(shared, WRAP_SALT, info, 32);
    }

    static byte[] aad(byte[] grantHash, byte[] recipientSha256) {
        return new WireWriter()
                .utf8("medshare.user-key.aad.v1")
                .fixed(grantHash)
                .fixed(recipientSha256)
                .toByteArray();
    }

    /**
     * Recipient side: opens the wrapped key with the clinician's X25519 private key. The caller must have checked
     * {@link #signature()} against the attested authority first.
     *
     * @throws KeyReleaseException UNWRAP_FAILED if the key was not wrapped to {@code recipientSpki}, was altered,
     *     or its attributes differ from the statement's
     */
    public UserKey unwrap(PrivateKey recipient, byte[] recipientSpki) throws KeyReleaseException {
        byte[] plain = null;
        byte[] key = null;
        try {
            if (!Arrays.equals(Sha256.hash(recipientSpki), statement.recipientSha256())
                    || !Arrays.equals(Sha256.hash(wrappedKey), statement.wrappedSha256())) {
                throw new KeyReleaseException(
                        KeyReleaseException.Reason.UNWRAP_FAILED, "the key was not issued to this recipient key");
            }
            KeyAgreement ka = KeyAgreement.getInstance("X25519");
            ka.init(recipient);
            ka.doPhase(KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(ephemeralSpki)), true);
            byte[] shared = ka.generateSecret();
            key = wrapKey(shared, ephemeralSpki, recipientSpki, statement.grantHash());
            Arrays.fill(shared, (byte) 0);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad(statement.grantHash(), statement.recipientSha256()));
            plain = c.doFinal(wrappedKey);
            UserKey userKey = UserKey.parse(plain, InsecureSecretKeyAccess.get());
            if (!new TreeSet<>(userKey.attributes()).equals(statement.attributes())) {
                throw new KeyReleaseException(
                        KeyReleaseException.Reason.UNWRAP_FAILED,
                        "the key's attributes differ from the authority's statement");
            }
            return userKey;
        } catch (KeyReleaseException e) {
            throw e;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new KeyReleaseException(
                    KeyReleaseException.Reason.UNWRAP_FAILED, "the wrapped key does not open with this key");
        } finally {
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
            if (plain != null) {
                Arrays.fill(plain, (byte) 0);
            }
        }
    }
}
