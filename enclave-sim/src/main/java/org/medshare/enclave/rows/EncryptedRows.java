package org.medshare.enclave.rows;

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
import org.medshare.abe.DecryptionFailedException;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;

/**
 * A record's analytics rows as the hospital uploads them (DESIGN §3, §5): the rows encrypted in
 * {@link RowChunkCodec} chunks under a fresh 256-bit data key, and that data key wrapped by CP-ABE under the
 * record's policy (an {@link Envelope}). Whoever holds an ABE key satisfying the policy, and only they,
 * can open the data key; the service sees the policy and the sizes, nothing else.
 *
 * <p>Wire format version 1, integers big-endian:
 * <pre>
 * "MSRW" | version u8 (=1) | wrappedKeyLength u32 | wrappedKey (ABE envelope of the 32-byte data key)
 *        | chunkCount u32 | chunkCount × (chunkLength u32 | chunk, {@link EncryptedChunk} wire format)
 * </pre>
 */
public final class EncryptedRows {

    static final byte[] MAGIC = {'M', 'S', 'R', 'W'};
    static final int VERSION = 1;
    /** Upper bound on a wrapped data key: an envelope of 32 bytes with a policy of at most 16 KiB. */
    static final int MAX_WRAPPED_KEY = 1 << 20;
    static final int MAX_CHUNK = RowChunkCodec.CHUNK_BYTES + (1 << 17);

    private final byte[] wrappedKey;
    private final List<EncryptedChunk> chunks;

    private EncryptedRows(byte[] wrappedKey, List<EncryptedChunk> chunks) {
        this.wrappedKey = wrappedKey;
        this.chunks = List.copyOf(chunks);
    }

    /**
     * Encrypts {@code rows} of record {@code recordId} for upload under {@code policy}.
     *
     * @throws IllegalArgumentException if there are no rows
     */
    public static EncryptedRows seal(String recordId, List<AnalyticsRow> rows, PublicParameters params, Policy policy,
                                     Suite suite, SecureRandom random) throws GeneralSecurityException {
        byte[] key = new byte[32];
        random.nextBytes(key);
        try {
            List<EncryptedChunk> chunks = new RowChunkCodec(random).encrypt(recordId, rows, new SecretKeySpec(key, "AES"));
            return new EncryptedRows(Envelope.encrypt(params, policy, suite, key), chunks);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Parses wire format version 1 without trusting any length field beyond the bytes present.
     *
     * @throws IllegalArgumentException on a wrong magic or version, impossible lengths, a malformed chunk
     *     or trailing bytes
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
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown encrypted rows version " + version);
            }
            byte[] wrapped = new byte[boundedLength(b, MAX_WRAPPED_KEY, "wrapped key")];
            b.get(wrapped);
            long count = Integer.toUnsignedLong(b.getInt());
            if (count == 0 || count > b.remaining() / 4) {
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
            return new EncryptedRows(wrapped, chunks);
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

    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(wrappedKey.length);
            out.write(wrappedKey);
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

    /** The ABE envelope holding the data key (its header names the policy and suite). */
    public byte[] wrappedKey() {
        return wrappedKey.clone();
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
     * @throws DecryptionFailedException if they do not, or the envelope was tampered with
     */
    public SecretKey openDataKey(UserKey key) throws DecryptionFailedException {
        byte[] raw = Envelope.decrypt(key, wrappedKey);
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
