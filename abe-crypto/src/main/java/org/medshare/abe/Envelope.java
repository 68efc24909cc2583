package org.medshare.abe;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.medshare.abe.internal.ByteWriter;
import org.medshare.abe.internal.SymmetricSuite;

/**
 * The hybrid envelope that protects a record: FAME KEM → HKDF → AES-256-GCM ({@link Suite#NIST}) or SM4-GCM
 * ({@link Suite#GM}), payload in chunks with the STREAM construction (Hoang, Reyhanitabar, Rogaway,
 * Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance", CRYPTO 2015).
 *
 * <p>Format, version 1 (all integers big-endian):
 * <pre>
 *   header  = "MSAE" | u8 version=1 | u8 suite | u8 log2(chunk size), 8..24 | u32 n | KEM ciphertext (n bytes,
 *             {@link Ciphertext} v1, contains the policy) | nonce prefix (7 bytes)
 *   payload = chunk_0 | ... | chunk_last, each = AEAD(plaintext piece) || 16-byte tag; every chunk but
 *             the last carries exactly chunk-size plaintext bytes; the last carries 0..chunk-size
 * </pre>
 * Keys: {@code d = H(header)} with the suite's hash; {@code k = HKDF(ikm = KEM key, salt = d,
 * info = "MEDSHARE-V1 envelope payload" || suite id, L = 32 (AES-256) or 16 (SM4))}. Chunk {@code i} is
 * sealed with nonce {@code prefix || u32(i) || u8(last ? 1 : 0)} and associated data {@code d}.
 *
 * <p>Security guarantees: confidentiality of the payload against anyone whose attributes do not
 * satisfy the policy; integrity of header, policy and payload (any modification, truncation at any
 * point, reordering, duplication or dropping of chunks fails the tag check). Decryption releases a
 * chunk's plaintext only after its tag verified, but a stream that fails later has already released
 * the earlier verified chunks: callers must write to a temporary place and discard it on failure.
 */
public final class Envelope {
    static final byte[] MAGIC = {'M', 'S', 'A', 'E'};
    public static final int VERSION = 1;
    public static final int DEFAULT_CHUNK_LOG2 = 17;
    static final int MIN_CHUNK_LOG2 = 8;
    static final int MAX_CHUNK_LOG2 = 24;
    static final int MAX_KEM_BYTES = 1 << 20;
    static final int NONCE_PREFIX_BYTES = 7;
    static final byte[] INFO = "MEDSHARE-V1 envelope payload".getBytes(StandardCharsets.US_ASCII);

    private Envelope() {}

    /** Encrypts a byte array (convenience over {@link EnvelopeWriter}). */
    public static byte[] encrypt(PublicParameters pp, Policy policy, Suite suite, byte[] plaintext) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 1024);
        try {
            new EnvelopeWriter(AbeScheme.create(), pp, policy, suite).encrypt(new ByteArrayInputStream(plaintext), out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Decrypts a byte array (convenience over {@link EnvelopeReader}). */
    public static byte[] decrypt(UserKey key, byte[] envelope) throws DecryptionFailedException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(0, envelope.length - 1024));
        try {
            new EnvelopeReader(key).decrypt(new ByteArrayInputStream(envelope), out);
        } catch (IOException e) {
            throw new DecryptionFailedException();
        }
        return out.toByteArray();
    }

    /**
     * Reads and checks the header of an envelope without decrypting it.
     *
     * @throws MalformedCiphertextException with a precise reason (wrong magic, unsupported version,
     *     unknown suite, impossible length, malformed policy or KEM ciphertext)
     */
    public static EnvelopeHeader inspect(InputStream in) throws IOException, MalformedCiphertextException {
        return readHeader(in).header;
    }

    static SymmetricSuite symmetric(Suite s) {
        return s == Suite.NIST ? SymmetricSuite.nist() : SymmetricSuite.gm();
    }

    /** Parsed header plus the exact header bytes (hashed into the key schedule). */
    record Parsed(EnvelopeHeader header, Ciphertext kem, byte[] noncePrefix, byte[] headerBytes) {}

    static byte[] headerBytes(Suite suite, int chunkLog2, byte[] kem, byte[] noncePrefix) {
        return new ByteWriter()
                .bytes(MAGIC)
                .u8(VERSION)
                .u8(suite.id())
                .u8(chunkLog2)
                .u32(kem.length)
                .bytes(kem)
                .bytes(noncePrefix)
                .toByteArray();
    }

    static Parsed readHeader(InputStream in) throws IOException, MalformedCiphertextException {
        DataInputStream d = new DataInputStream(in);
        byte[] fixed = new byte[11];
        try {
            d.readFully(fixed);
        } catch (EOFException e) {
            throw new MalformedCiphertextException("envelope shorter than its header");
        }
        for (int i = 0; i < 4; i++) {
            if (fixed[i] != MAGIC[i]) {
                throw new MalformedCiphertextException("not a MedShare envelope (wrong magic)");
            }
        }
        int version = fixed[4] & 0xff;
        if (version != VERSION) {
            throw new MalformedCiphertextException("unsupported envelope version " + version);
        }
        Suite suite;
        try {
            suite = Suite.fromId(fixed[5] & 0xff);
        } catch (IllegalArgumentException e) {
            throw new MalformedCiphertextException("unknown envelope suite id " + (fixed[5] & 0xff));
        }
        int log2 = fixed[6] & 0xff;
        if (log2 < MIN_CHUNK_LOG2 || log2 > MAX_CHUNK_LOG2) {
            throw new MalformedCiphertextException("chunk size 2^" + log2 + " out of range");
        }
        long n = ((fixed[7] & 0xffL) << 24)
                | ((fixed[8] & 0xffL) << 16)
                | ((fixed[9] & 0xffL) << 8)
                | (fixed[10] & 0xffL);
        if (n > MAX_KEM_BYTES) {
            throw new MalformedCiphertextException("KEM ciphertext length " + n + " exceeds " + MAX_KEM_BYTES);
        }
        byte[] kem = new byte[(int) n];
        byte[] prefix = new byte[NONCE_PREFIX_BYTES];
        try {
            d.readFully(kem);
            d.readFully(prefix);
        } catch (EOFException e) {
            throw new MalformedCiphertextException("envelope shorter than its header");
        }
        Ciphertext ct = Ciphertext.parse(kem);
        EnvelopeHeader h = new EnvelopeHeader(version, suite, ct.policy(), 1 << log2);
        return new Parsed(h, ct, prefix, headerBytes(suite, log2, kem, prefix));
    }

    static byte[] nonce(byte[] prefix, long counter, boolean last) {
        byte[] n = new byte[SymmetricSuite.NONCE_BYTES];
        System.arraycopy(prefix, 0, n, 0, NONCE_PREFIX_BYTES);
        n[7] = (byte) (counter >>> 24);
        n[8] = (byte) (counter >>> 16);
        n[9] = (byte) (counter >>> 8);
        n[10] = (byte) counter;
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    /**
     * The chunk AEAD of an envelope's payload: keyed with {@code HKDF_suite(ikm = KEM key, salt = header
     * digest, info = "MEDSHARE-V1 envelope payload" || suite id)}. The key bytes are wiped once the AEAD holds them.
     */
    static SymmetricSuite.ChunkAead payloadAead(
            SymmetricSuite sym, Suite suite, SecretBytes kemKey, byte[] headerDigest) {
        byte[] info = new byte[INFO.length + 1];
        System.arraycopy(INFO, 0, info, 0, INFO.length);
        info[INFO.length] = (byte) suite.id();
        byte[] ikm = kemKey.toByteArray(InsecureSecretKeyAccess.get());
        byte[] key = sym.hkdf(ikm, headerDigest, info, sym.keyLength());
        try {
            return sym.aead(key);
        } finally {
            Arrays.fill(ikm, (byte) 0);
            Arrays.fill(key, (byte) 0);
        }
    }

    /** Reads up to {@code len} bytes, fewer only at end of stream. */
    static int readFully(InputStream in, byte[] buf, int len) throws IOException {
        return in.readNBytes(buf, 0, len);
    }

    /**
     * Cuts {@code in} into chunks of {@code size} bytes and hands them to {@code sink} in order, numbered from 0.
     * The last chunk is the first one shorter than {@code size} (possibly empty) or the one followed by end of
     * stream: one chunk is read ahead to know. The chunk buffers are zeroed when the call returns or throws.
     *
     * @return the number of bytes read from {@code in}
     */
    static <E extends Exception> long chunks(InputStream in, int size, ChunkSink<E> sink) throws IOException, E {
        byte[] a = new byte[size];
        byte[] b = new byte[size];
        try {
            long total = 0;
            long counter = 0;
            int n = readFully(in, a, size);
            while (true) {
                boolean last;
                int m = 0;
                if (n < size) {
                    last = true;
                } else {
                    m = readFully(in, b, size);
                    last = m == 0;
                }
                sink.accept(a, n, counter, last);
                total += n;
                counter++;
                if (last) {
                    return total;
                }
                byte[] t = a;
                a = b;
                b = t;
                n = m;
            }
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    /** Takes the chunks of {@link #chunks}; may refuse one with {@code E}. */
    @FunctionalInterface
    interface ChunkSink<E extends Exception> {
        /** Chunk number {@code counter}: the first {@code length} bytes of {@code chunk} (valid during the call). */
        void accept(byte[] chunk, int length, long counter, boolean last) throws IOException, E;
    }
}
