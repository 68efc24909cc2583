package org.medshare.ledger.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Ed25519 cosignatures in the C2SP tlog-cosignature v1 format, the form in which the consortium's members sign the
 * checkpoints they witnessed, so that any client of that specification can check them.
 *
 * <ul>
 *   <li>Key id: SHA-256(name ‖ 0x0A ‖ 0x04 ‖ 32-byte Ed25519 public key)[:4]; verifier key line
 *       {@code name+keyid+base64(0x04 ‖ public key)}.</li>
 *   <li>Signature (after the key id in the note's signature line): the {@code timestamped_signature} structure,
 *       a big-endian u64 POSIX timestamp in seconds (at most 2^63 − 1) followed by the 64-byte Ed25519 signature.</li>
 *   <li>Signed message: {@code "cosignature/v1\n"}, {@code "time <timestamp>\n"} (ASCII decimal, no leading zeroes),
 *       then the whole note body including its final newline.</li>
 * </ul>
 *
 * The same Ed25519 key pair may also be written as a plain signed-note key (type 0x01); the type byte in the key id
 * keeps a cosignature from ever verifying as a plain signature or the reverse.
 */
public final class CosignatureV1 {
    /** The signature type byte of Ed25519 cosigner keys. */
    static final byte[] TYPE = {0x04};
    /** Length of a {@code timestamped_signature}: 8 bytes of timestamp and 64 of Ed25519 signature. */
    public static final int SIGNATURE_BYTES = 72;

    private CosignatureV1() {}

    /** The message a cosigner signs for {@code noteText} at {@code timestamp} (seconds since the epoch, ≥ 0). */
    public static byte[] signedMessage(long timestamp, byte[] noteText) {
        if (timestamp < 0) {
            throw new IllegalArgumentException("timestamp must not be negative");
        }
        byte[] header = ("cosignature/v1\ntime " + timestamp + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(header, header.length + noteText.length);
        System.arraycopy(noteText, 0, out, header.length, noteText.length);
        return out;
    }

    /**
     * The timestamp of a cosignature made by {@link #cosigner}.
     *
     * @throws IllegalArgumentException if {@code signature} is not a {@code timestamped_signature} of an Ed25519
     *     cosignature
     */
    public static long timestampOf(byte[] signature) {
        if (signature.length != SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a cosignature/v1 signature has " + SIGNATURE_BYTES + " bytes");
        }
        long timestamp = ByteBuffer.wrap(signature, 0, 8).getLong();
        if (timestamp < 0) {
            throw new IllegalArgumentException("a cosignature/v1 timestamp must not exceed 2^63 - 1");
        }
        return timestamp;
    }

    /**
     * The cosigner over the Ed25519 key of {@code signer}, stamping each cosignature with {@code clock}'s time.
     *
     * @throws IllegalArgumentException if {@code signer} is not an Ed25519 signer made by {@link NoteKeys}
     */
    public static CheckpointSigner cosigner(CheckpointSigner signer, Clock clock) {
        return new Cosigner(signer, verifier(signer.verifier()), clock);
    }

    /**
     * The cosignature verifier of the Ed25519 key of {@code key} (a plain signed-note key or a cosigner key).
     *
     * @throws IllegalArgumentException if {@code key} is not an Ed25519 key made by {@link NoteKeys}
     */
    public static NoteVerifier verifier(NoteVerifier key) {
        if (key instanceof Verifier v) {
            return v;
        }
        if (!"Ed25519".equals(key.algorithm())) {
            throw new IllegalArgumentException(
                    "cosignature/v1 keys are Ed25519; " + key.keyName() + " is " + key.algorithm());
        }
        byte[] spki = NoteKeys.publicKeyOf(key).getEncoded();
        return new Verifier(key, Arrays.copyOfRange(spki, spki.length - 32, spki.length));
    }

    /** Whether {@code key} verifies cosignature/v1 signatures. */
    public static boolean isCosignatureKey(NoteVerifier key) {
        return key instanceof Verifier;
    }

    /** The plain signed-note key behind a cosigner key; any other key itself. */
    static NoteVerifier plainKeyOf(NoteVerifier key) {
        return key instanceof Verifier v ? v.ed25519 : key;
    }

    private static final class Verifier implements NoteVerifier {
        private final NoteVerifier ed25519;
        private final byte[] publicKey;
        private final int keyId;

        Verifier(NoteVerifier ed25519, byte[] publicKey) {
            this.ed25519 = Objects.requireNonNull(ed25519);
            this.publicKey = publicKey;
            this.keyId = NoteKeys.keyId(ed25519.keyName(), TYPE, publicKey);
        }

        @Override
        public String keyName() {
            return ed25519.keyName();
        }

        @Override
        public int keyId() {
            return keyId;
        }

        @Override
        public boolean verify(byte[] noteText, byte[] signature) {
            if (signature == null || signature.length != SIGNATURE_BYTES) {
                return false;
            }
            long timestamp = ByteBuffer.wrap(signature, 0, 8).getLong();
            return timestamp >= 0
                    && ed25519.verify(
                            signedMessage(timestamp, noteText), Arrays.copyOfRange(signature, 8, SIGNATURE_BYTES));
        }

        @Override
        public String encode() {
            byte[] blob = Arrays.copyOf(TYPE, 1 + publicKey.length);
            System.arraycopy(publicKey, 0, blob, 1, publicKey.length);
            return keyName() + "+" + String.format("%08x", keyId) + "+"
                    + Base64.getEncoder().encodeToString(blob);
        }

        @Override
        public String algorithm() {
            return "Ed25519";
        }

        @Override
        public String toString() {
            return "NoteVerifier[cosignature/v1 " + keyName() + " " + String.format("%08x", keyId) + "]";
        }
    }

    private record Cosigner(CheckpointSigner ed25519, NoteVerifier verifier, Clock clock) implements CheckpointSigner {
        @Override
        public String keyName() {
            return verifier.keyName();
        }

        @Override
        public int keyId() {
            return verifier.keyId();
        }

        @Override
        public NoteSignature sign(byte[] noteText) throws GeneralSecurityException {
            long timestamp = clock.instant().getEpochSecond();
            byte[] signature = ed25519.sign(signedMessage(timestamp, noteText)).signature();
            byte[] out = ByteBuffer.allocate(SIGNATURE_BYTES)
                    .putLong(timestamp)
                    .put(signature)
                    .array();
            return new NoteSignature(keyName(), keyId(), out);
        }

        /** Names the public key only. */
        @Override
        public String toString() {
            return "CheckpointSigner[" + verifier + "]";
        }
    }
}
