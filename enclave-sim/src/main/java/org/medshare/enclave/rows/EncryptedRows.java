package org.medshare.enclave.rows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Ciphertext;
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeHeader;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.MalformedCiphertextException;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.RecordKem;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;

/**
 * A record's analytics rows as the hospital uploads them beside its envelope: the rows encrypted in
 * {@link RowChunkCodec} chunks under a 256-bit data key that only holders of an ABE key satisfying the
 * record's policy can recover. The service sees the policy, the suite and the sizes, nothing else.
 *
 * <p>Wire format version 2 (written), integers big-endian:
 * <pre>
 * "MSRW" | version u8 (=2) | suite u8 | kemLength u32 | KEM ciphertext ({@link Ciphertext} v1, names the policy)
 *        | chunkCount u32 | chunkCount × (chunkLength u32 | chunk, {@link EncryptedChunk} wire format)
 * </pre>
 * The data key is {@link RecordKem#deriveKey} with label {@value #KEY_LABEL} and context = the bytes from
 * {@code "MSRW"} to the end of the KEM ciphertext. The KEM is the one of the record's bundle
 * {@link org.medshare.abe.Envelope} ({@link #seal(String, List, RecordKem, Suite, SecureRandom)}), so a
 * record costs the hospital one FAME encapsulation; the rows carry their own copy of the KEM ciphertext so
 * the enclave opens them without the bundle.
 *
 * <p>Version 1 (still read): {@code "MSRW" | version u8 (=1) | wrappedKeyLength u32 | wrappedKey (an
 * Envelope of the random 32-byte data key) | chunkCount u32 | chunks}, one more encapsulation per record.
 */
public final class EncryptedRows {

    static final byte[] MAGIC = {'M', 'S', 'R', 'W'};
    /** The version {@link #seal} writes. */
    static final int VERSION = 2;

    static final int VERSION_ENVELOPE_WRAPPED = 1;
    static final String KEY_LABEL = "analytics rows";
    /** Upper bound on a wrapped data key or KEM ciphertext (a policy of at most 16 KiB fits). */
    static final int MAX_WRAPPED_KEY = 1 << 20;

    static final int MAX_CHUNK = RowChunkCodec.CHUNK_BYTES + (1 << 17);
    private static final AbeScheme DECAPSULATOR = AbeScheme.create();

    private final int version;
    private final Suite suite;
    private final Policy policy;
    /** v2: the KEM ciphertext bytes; v1: the envelope of the data key. */
    private final byte[] keyPart;

    private final List<EncryptedChunk> chunks;

    private EncryptedRows(int version, Suite suite, Policy policy, byte[] keyPart, List<EncryptedChunk> chunks) {
        this.version = version;
        this.suite = suite;
        this.policy = policy;
        this.keyPart = keyPart;
        this.chunks = List.copyOf(chunks);
    }

    /**
     * Encrypts {@code rows} of record {@code recordId} for upload under the policy of {@code kem}, with a data
     * key derived from it (version 2). Pass the KEM of the record's bundle envelope. No rows give a container
     * without chunks: a record stored and shared without analytics rows, never used in statistics.
     */
    public static EncryptedRows seal(
            String recordId, List<AnalyticsRow> rows, RecordKem kem, Suite suite, SecureRandom random)
            throws GeneralSecurityException {
        byte[] kemBytes = kem.ciphertext().toBytes();
        byte[] key =
                kem.deriveKey(suite, KEY_LABEL, keyContext(suite, kemBytes)).toByteArray(InsecureSecretKeyAccess.get());
        try {
            List<EncryptedChunk> chunks = rows.isEmpty()
                    ? List.of()
                    : new RowChunkCodec(random).encrypt(recordId, rows, new SecretKeySpec(key, "AES"));
            return new EncryptedRows(VERSION, suite, kem.ciphertext().policy(), kemBytes, chunks);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** As {@link #seal(String, List, RecordKem, Suite, SecureRandom)} with a fresh encapsulation of its own. */
    public static EncryptedRows seal(
            String recordId,
            List<AnalyticsRow> rows,
            PublicParameters params,
            Policy policy,
            Suite suite,
            SecureRandom random)
            throws GeneralSecurityException {
        return seal(recordId, rows, RecordKem.encapsulate(new AbeScheme(random), params, policy), suite, random);
    }

    private static byte[] keyContext(Suite suite, byte[] kemBytes) {
        return ByteBuffer.allocate(4 + 1 + 1 + 4 + kemBytes.length)
                .put(MAGIC)
                .put((byte) VERSION)
                .put((byte) suite.id())
                .putInt(kemBytes.length)
                .put(kemBytes)
                .array();
    }

    /**
     * Parses wire format version 2 or 1 without trusting any length field beyond the bytes present.
     *
     * @throws IllegalArgumentException on a wrong magic or version, an unknown suite, a malformed KEM
     *     ciphertext or wrapped key, impossible lengths, a malformed chunk or trailing bytes
     */
    public static EncryptedRows parse(byte[] wire) {
        try {
            ByteBuffer b = ByteBuffer.wrap(wire);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not encrypted analytics rows (bad magic)");
            }
            int version = b.get() & 0xFF;
            if (version != VERSION && version != VERSION_ENVELOPE_WRAPPED) {
                throw new IllegalArgumentException("unknown encrypted rows version " + version);
            }
            Suite suite = null;
            if (version == VERSION) {
                int id = b.get() & 0xFF;
                try {
                    suite = Suite.fromId(id);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown suite id " + id);
                }
            }
            byte[] keyPart =
                    new byte[boundedLength(b, MAX_WRAPPED_KEY, version == VERSION ? "KEM ciphertext" : "wrapped key")];
            b.get(keyPart);
            Policy policy;
            try {
                if (version == VERSION) {
                    policy = Ciphertext.parse(keyPart).policy();
                } else {
                    EnvelopeHeader h = Envelope.inspect(new ByteArrayInputStream(keyPart));
                    policy = h.policy();
                    suite = h.suite();
                }
            } catch (MalformedCiphertextException | IOException e) {
                throw new IllegalArgumentException("malformed key part: " + e.getMessage());
            }
            long count = Integer.toUnsignedLong(b.getInt());
            if (count > b.remaining() / 4 || count == 0 && version == 1) {
                throw new IllegalArgumentException("impossible chunk count " + count);
            }
            List<EncryptedChunk> chunks = new ArrayList<>((int) count);
            for (int i = 0; i < count; i++) {
                byte[] chunk = new byte[boundedLength(b, MAX_CHUNK, "chunk")];
                b.get(chunk);
                chunks.add(EncryptedChunk.parse(chunk));
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("trailing bytes after the last chunk");
            }
            return new EncryptedRows(version, suite, policy, keyPart, chunks);
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("encrypted rows are truncated");
        }
    }

    private static int boundedLength(ByteBuffer b, int max, String what) {
        long length = Integer.toUnsignedLong(b.getInt());
        if (length > max || length > b.remaining()) {
            throw new IllegalArgumentException("impossible " + what + " length " + length);
        }
        return (int) length;
    }

    /** The wire format of {@link #version()}. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(version);
            if (version == VERSION) {
                out.writeByte(suite.id());
            }
            out.writeInt(keyPart.length);
            out.write(keyPart);
            out.writeInt(chunks.size());
            for (EncryptedChunk chunk : chunks) {
                byte[] wire = chunk.toBytes();
                out.writeInt(wire.length);
                out.write(wire);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The wire format version (2 when sealed by this code; 1 for containers of older clients). */
    public int version() {
        return version;
    }

    /** The policy the data key is encrypted under (from the KEM ciphertext or the wrapped key's header). */
    public Policy policy() {
        return policy;
    }

    /** The symmetric suite of the key derivation (the rows themselves are always AES-256-GCM, ROWS.md). */
    public Suite suite() {
        return suite;
    }

    public List<EncryptedChunk> chunks() {
        return chunks;
    }

    /** Total number of rows in all chunks. */
    public long rowCount() {
        return chunks.stream().mapToLong(EncryptedChunk::rowCount).sum();
    }

    /**
     * Opens the data key with an ABE user key whose attributes satisfy the record's policy.
     *
     * @throws DecryptionFailedException if they do not, or the key part was tampered with (a tampered v2
     *     KEM ciphertext may also yield a wrong key, which the chunks' authentication then refuses)
     */
    public SecretKey openDataKey(UserKey key) throws DecryptionFailedException {
        byte[] raw;
        if (version == VERSION) {
            Ciphertext kem;
            try {
                kem = Ciphertext.parse(keyPart);
            } catch (MalformedCiphertextException e) {
                throw new DecryptionFailedException();
            }
            raw = RecordKem.decapsulate(DECAPSULATOR, key, kem)
                    .deriveKey(suite, KEY_LABEL, keyContext(suite, keyPart))
                    .toByteArray(InsecureSecretKeyAccess.get());
        } else {
            raw = Envelope.decrypt(key, keyPart);
        }
        try {
            if (raw.length != 32) {
                throw new DecryptionFailedException();
            }
            return new SecretKeySpec(raw, "AES");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }
}
