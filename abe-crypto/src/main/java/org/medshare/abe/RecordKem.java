package org.medshare.abe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;
import org.medshare.abe.internal.SymmetricSuite;

/**
 * One FAME encapsulation shared by every payload of one record as a hospital uploads it: the bundle's {@link Envelope}
 * and any further keys derived from the same KEM key with HKDF under distinct labels (the analytics rows'
 * data key). The hospital pays for one encapsulation per record instead of one per payload; readers
 * decapsulate the same {@link Ciphertext} wherever it is stored.
 *
 * <p>Derived key: {@code HKDF(ikm = KEM key, salt = H(context), info = "MEDSHARE-V1 derived key" 0x00 ||
 * label || 0x00 || u8 suite id, L = 32)} with the suite's hash ({@link Suite#NIST}: SHA-256, {@link Suite#GM}:
 * SM3). The envelope's payload key uses the info {@code "MEDSHARE-V1 envelope payload" || suite id}, which no
 * derived-key info equals (different prefix), and a salt over its own header with a fresh nonce prefix.
 *
 * <p>Security guarantees: keys derived under different labels, contexts or suites, and the payload keys of
 * envelopes written with this KEM, are computationally independent (HKDF as a PRF, RFC 5869); each opens
 * exactly for user keys satisfying the policy. Preconditions: a label names one use; callers must not
 * derive two keys for two different payloads under the same label and context. {@code toString} shows no key.
 */
public final class RecordKem {
    private static final byte[] DERIVE_PREFIX = "MEDSHARE-V1 derived key".getBytes(StandardCharsets.US_ASCII);
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9 .-]{0,63}");
    /** Length of a derived key in bytes. */
    public static final int KEY_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Encapsulation encapsulation;

    private RecordKem(Encapsulation encapsulation) {
        this.encapsulation = encapsulation;
    }

    /** A fresh encapsulation under {@code policy} (one FAME encryption). */
    public static RecordKem encapsulate(AbeScheme scheme, PublicParameters params, Policy policy) {
        return new RecordKem(scheme.encapsulate(Objects.requireNonNull(params), Objects.requireNonNull(policy)));
    }

    /**
     * Recovers the KEM key of {@code ciphertext}.
     *
     * @throws DecryptionFailedException if the key's attributes do not satisfy the policy or a group element
     *     is invalid (a wrong key is detected by the authenticated encryption that uses the derived keys)
     */
    public static RecordKem decapsulate(AbeScheme scheme, UserKey key, Ciphertext ciphertext)
            throws DecryptionFailedException {
        SecretBytes k;
        try {
            k = scheme.decapsulate(key, ciphertext);
        } catch (RuntimeException e) {
            throw new DecryptionFailedException();
        }
        return new RecordKem(new Encapsulation(ciphertext, k));
    }

    /** The KEM ciphertext (contains the policy); store it with every payload that uses this KEM. */
    public Ciphertext ciphertext() {
        return encapsulation.ciphertext();
    }

    /**
     * An {@link Envelope} of {@code plaintext} whose header carries this KEM's ciphertext (format v1, read by
     * {@link Envelope#decrypt} and {@link EnvelopeReader} like any other envelope).
     */
    public byte[] envelope(Suite suite, byte[] plaintext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 1024);
        try {
            EnvelopeWriter.write(
                    encapsulation,
                    Objects.requireNonNull(suite),
                    Envelope.DEFAULT_CHUNK_LOG2,
                    RANDOM,
                    new ByteArrayInputStream(plaintext),
                    out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * A 32-byte key for one use of this record's KEM key (see the class comment for the derivation), readable
     * only with a {@link SecretKeyAccess}.
     *
     * @param label   names the use, lower-case letters, digits, space, dot or hyphen, 1..64 characters
     * @param context public bytes the key is bound to (typically the header of the payload it protects)
     * @throws IllegalArgumentException for a malformed label
     */
    public SecretBytes deriveKey(Suite suite, String label, byte[] context) {
        if (!LABEL.matcher(label).matches()) {
            throw new IllegalArgumentException("derived key label must match " + LABEL.pattern());
        }
        SymmetricSuite sym = Envelope.symmetric(suite);
        byte[] l = label.getBytes(StandardCharsets.US_ASCII);
        byte[] info = new byte[DERIVE_PREFIX.length + 1 + l.length + 2];
        System.arraycopy(DERIVE_PREFIX, 0, info, 0, DERIVE_PREFIX.length);
        System.arraycopy(l, 0, info, DERIVE_PREFIX.length + 1, l.length);
        info[info.length - 1] = (byte) suite.id();
        byte[] ikm = encapsulation.key().toByteArray(InsecureSecretKeyAccess.get());
        byte[] key = null;
        try {
            key = sym.hkdf(ikm, sym.hash(context), info, KEY_BYTES);
            return SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get());
        } finally {
            Arrays.fill(ikm, (byte) 0);
            if (key != null) {
                Arrays.fill(key, (byte) 0);
            }
        }
    }

    @Override
    public String toString() {
        return "RecordKem[" + encapsulation.ciphertext() + "]";
    }
}
