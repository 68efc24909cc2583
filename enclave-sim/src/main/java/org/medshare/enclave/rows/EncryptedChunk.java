package org.medshare.enclave.rows;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One AES-256-GCM encrypted chunk of at most {@link RowChunkCodec#ROWS_PER_CHUNK} analytics rows.
 * Immutable value; {@link #toBytes()} / {@link #parse(byte[])} implement wire format version 1
 * (all integers big-endian):
 *
 * <pre>
 * "MSRC" | version u8 (=1) | flags u8 (=0) | rowCount u16 | chunkIndex u32 | chunkCount u32
 *        | recordIdLength u16 | recordId UTF-8 | nonce (12 bytes) | ciphertextLength u32 | ciphertext || tag (16)
 * </pre>
 *
 * The header fields are not trusted on decryption: the decryptor rebuilds the associated data from
 * the record id, index and count it expects, so a chunk moved to another record or position fails
 * authentication.
 */
public final class EncryptedChunk {
    static final byte[] MAGIC = {'M', 'S', 'R', 'C'};
    static final int VERSION = 1;
    static final int NONCE_BYTES = 12;
    static final int TAG_BYTES = 16;

    private final String recordId;
    private final int chunkIndex;
    private final int chunkCount;
    private final int rowCount;
    private final byte[] nonce;
    private final byte[] ciphertext;

    EncryptedChunk(String recordId, int chunkIndex, int chunkCount, int rowCount, byte[] nonce, byte[] ciphertext) {
        this.recordId = recordId;
        this.chunkIndex = chunkIndex;
        this.chunkCount = chunkCount;
        this.rowCount = rowCount;
        this.nonce = nonce;
        this.ciphertext = ciphertext;
    }

    /**
     * Parses wire format version 1.
     *
     * @throws IllegalArgumentException on wrong magic, unknown version or flags, inconsistent lengths
     *     or trailing bytes
     */
    public static EncryptedChunk parse(byte[] wire) {
        try {
            ByteBuffer b = ByteBuffer.wrap(wire).order(ByteOrder.BIG_ENDIAN);
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not an encrypted row chunk (bad magic)");
            }
            int version = b.get() & 0xFF;
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown row chunk version " + version);
            }
            if (b.get() != 0) {
                throw new IllegalArgumentException("unknown row chunk flags");
            }
            int rows = b.getShort() & 0xFFFF;
            int index = b.getInt();
            int count = b.getInt();
            byte[] rid = new byte[b.getShort() & 0xFFFF];
            b.get(rid);
            byte[] nonce = new byte[NONCE_BYTES];
            b.get(nonce);
            int len = b.getInt();
            if (len != rows * RowLayout.ROW_BYTES + TAG_BYTES || len != b.remaining()) {
                throw new IllegalArgumentException("row chunk length does not match its row count");
            }
            byte[] ct = new byte[len];
            b.get(ct);
            EncryptedChunk c =
                    new EncryptedChunk(new String(rid, StandardCharsets.UTF_8), index, count, rows, nonce, ct);
            c.check();
            return c;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated row chunk");
        }
    }

    void check() {
        if (rowCount < 1
                || rowCount > RowChunkCodec.ROWS_PER_CHUNK
                || chunkCount < 1
                || chunkIndex < 0
                || chunkIndex >= chunkCount
                || recordId.isEmpty()) {
            throw new IllegalArgumentException("row chunk header out of range");
        }
    }

    /** Wire format version 1. */
    public byte[] toBytes() {
        byte[] rid = recordId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 2 + 2 + 4 + 4 + 2 + rid.length + NONCE_BYTES + 4 + ciphertext.length);
        b.put(MAGIC)
                .put((byte) VERSION)
                .put((byte) 0)
                .putShort((short) rowCount)
                .putInt(chunkIndex)
                .putInt(chunkCount)
                .putShort((short) rid.length)
                .put(rid)
                .put(nonce)
                .putInt(ciphertext.length)
                .put(ciphertext);
        return b.array();
    }

    public String recordId() {
        return recordId;
    }

    public int chunkIndex() {
        return chunkIndex;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public int rowCount() {
        return rowCount;
    }

    byte[] nonceRef() {
        return nonce;
    }

    byte[] ciphertextRef() {
        return ciphertext;
    }

    /** Size of the ciphertext including the tag. */
    public int ciphertextLength() {
        return ciphertext.length;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof EncryptedChunk)) {
            return false;
        }
        EncryptedChunk c = (EncryptedChunk) o;
        return recordId.equals(c.recordId)
                && chunkIndex == c.chunkIndex
                && chunkCount == c.chunkCount
                && rowCount == c.rowCount
                && Arrays.equals(nonce, c.nonce)
                && Arrays.equals(ciphertext, c.ciphertext);
    }

    @Override
    public int hashCode() {
        return recordId.hashCode() * 31 + chunkIndex;
    }

    @Override
    public String toString() {
        return "EncryptedChunk[record=" + recordId + ", chunk=" + chunkIndex + "/" + chunkCount + ", rows=" + rowCount
                + "]";
    }
}
