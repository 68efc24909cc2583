package org.medshare.enclave.rows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Chunked AES-256-GCM encryption of analytics rows (NIST SP 800-38D).
 *
 * <p>A record's rows are sorted by patient pseudonym (signed 64-bit order; the statistics engine
 * relies on it to bound per-patient contributions without a hash lookup per row) and packed into
 * chunks of {@link #ROWS_PER_CHUNK} rows (the last may be shorter). Each chunk is encrypted with a
 * fresh random 96-bit nonce under the record's 256-bit data key, with associated data
 * {@code "medshare-rows-v1" 0x00 || u16 len || recordId UTF-8 || u32 chunkIndex || u32 chunkCount || u16 rowCount}.
 *
 * <p>Security guarantees: confidentiality and integrity of every chunk; a chunk cannot be moved to
 * another record or position, and dropping or duplicating chunks is detected because the expected
 * count and index are authenticated. Random nonces limit one data key to 2^32 chunks
 * (SP 800-38D §8.3); a data key belongs to one record. The data key comes from the record's ABE
 * envelope in production; this class only needs it as an AES {@link SecretKey} of 32 bytes.
 *
 * <p>Every decryption failure raises {@link AEADBadTagException} with the same message.
 */
public final class RowChunkCodec {
    /** Rows per full chunk. */
    public static final int ROWS_PER_CHUNK = 4096;
    /** Plaintext bytes of a full chunk. */
    public static final int CHUNK_BYTES = ROWS_PER_CHUNK * RowLayout.ROW_BYTES;

    private static final byte[] AAD_LABEL = "medshare-rows-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final String FAILED = "row chunk authentication failed";

    private final SecureRandom random;

    public RowChunkCodec(SecureRandom random) {
        this.random = random;
    }

    /**
     * Encrypts a record's rows into chunks.
     *
     * @param recordId the record's id (1..65535 UTF-8 bytes), bound into every chunk
     * @param rows at least one row; at most 2^32 chunks' worth
     * @throws InvalidKeyException if the key is not a 32-byte AES key
     */
    public List<EncryptedChunk> encrypt(String recordId, List<AnalyticsRow> rows, SecretKey dataKey)
            throws GeneralSecurityException {
        checkKey(dataKey);
        checkRecordId(recordId);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no rows to encrypt");
        }
        List<AnalyticsRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(AnalyticsRow::patientPseudonym));
        int count = (sorted.size() + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        List<EncryptedChunk> out = new ArrayList<>(count);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        for (int ci = 0; ci < count; ci++) {
            int from = ci * ROWS_PER_CHUNK;
            int n = Math.min(ROWS_PER_CHUNK, sorted.size() - from);
            byte[] plain = new byte[n * RowLayout.ROW_BYTES];
            for (int i = 0; i < n; i++) {
                sorted.get(from + i).writeTo(plain, i * RowLayout.ROW_BYTES);
            }
            byte[] nonce = new byte[EncryptedChunk.NONCE_BYTES];
            random.nextBytes(nonce);
            cipher.init(Cipher.ENCRYPT_MODE, dataKey, new GCMParameterSpec(128, nonce));
            cipher.updateAAD(aad(recordId, ci, count, n));
            byte[] ct = cipher.doFinal(plain);
            Arrays.fill(plain, (byte) 0);
            out.add(new EncryptedChunk(recordId, ci, count, n, nonce, ct));
        }
        return List.copyOf(out);
    }

    /**
     * Decrypts and checks all chunks of one record and returns its rows (convenience for tests and
     * tools; the engine uses {@link Decryptor} to aggregate in place).
     */
    public static List<AnalyticsRow> decryptRows(String recordId, List<EncryptedChunk> chunks, SecretKey dataKey)
            throws GeneralSecurityException {
        Decryptor d = new Decryptor(dataKey);
        byte[] buf = new byte[CHUNK_BYTES];
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            int n = d.decrypt(recordId, i, chunks.size(), chunks.get(i), buf);
            for (int r = 0; r < n; r++) {
                rows.add(AnalyticsRow.readFrom(buf, r * RowLayout.ROW_BYTES));
            }
        }
        return rows;
    }

    /**
     * A reusable, single-threaded chunk decryptor for one data key: one GCM operation per chunk,
     * plaintext written into a caller-owned buffer so that aggregation reads rows in place.
     */
    public static final class Decryptor {
        private final SecretKey key;
        private final Cipher cipher;

        /** @throws InvalidKeyException if the key is not a 32-byte AES key */
        public Decryptor(SecretKey dataKey) throws GeneralSecurityException {
            checkKey(dataKey);
            this.key = dataKey;
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        }

        /**
         * Decrypts {@code chunk}, which must be chunk {@code expectedIndex} of {@code expectedCount} of
         * record {@code expectedRecordId}, into {@code out} (at least {@link #CHUNK_BYTES} long).
         *
         * @return the number of rows written at the start of {@code out}
         * @throws AEADBadTagException if the chunk is not authentic for that position (same message for
         *     every cause; {@code out} contents are then unspecified and must be discarded)
         */
        public int decrypt(
                String expectedRecordId, int expectedIndex, int expectedCount, EncryptedChunk chunk, byte[] out)
                throws GeneralSecurityException {
            int rows = chunk.rowCount();
            byte[] ct = chunk.ciphertextRef();
            if (ct.length != rows * RowLayout.ROW_BYTES + EncryptedChunk.TAG_BYTES
                    || out.length < rows * RowLayout.ROW_BYTES) {
                throw new AEADBadTagException(FAILED);
            }
            try {
                cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, chunk.nonceRef()));
                cipher.updateAAD(aad(expectedRecordId, expectedIndex, expectedCount, rows));
                cipher.doFinal(ct, 0, ct.length, out, 0);
            } catch (AEADBadTagException e) {
                throw new AEADBadTagException(FAILED);
            }
            return rows;
        }
    }

    static byte[] aad(String recordId, int index, int count, int rows) {
        byte[] rid = recordId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(AAD_LABEL.length + 2 + rid.length + 10)
                .put(AAD_LABEL)
                .putShort((short) rid.length)
                .put(rid)
                .putInt(index)
                .putInt(count)
                .putShort((short) rows)
                .array();
    }

    static void checkKey(SecretKey k) throws InvalidKeyException {
        if (k == null
                || !"AES".equalsIgnoreCase(k.getAlgorithm())
                || k.getEncoded() == null
                || k.getEncoded().length != 32) {
            throw new InvalidKeyException("row data key must be a 32-byte AES key");
        }
    }

    private static void checkRecordId(String recordId) {
        if (recordId == null || recordId.isEmpty() || recordId.getBytes(StandardCharsets.UTF_8).length > 65535) {
            throw new IllegalArgumentException("record id must be 1..65535 UTF-8 bytes");
        }
    }
}
