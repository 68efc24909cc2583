package org.medshare.abe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;
import org.medshare.abe.internal.SymmetricSuite;

/**
 * Streams a plaintext into an {@link Envelope} for a policy and suite, in constant memory (two chunk
 * buffers). Each call to {@link #encrypt} uses a fresh KEM encapsulation, key and nonce prefix.
 */
public final class EnvelopeWriter {
    private final AbeScheme scheme;
    private final PublicParameters params;
    private final Policy policy;
    private final Suite suite;
    private final int chunkLog2;
    private final SecureRandom random;

    public EnvelopeWriter(AbeScheme scheme, PublicParameters params, Policy policy, Suite suite) {
        this(scheme, params, policy, suite, Envelope.DEFAULT_CHUNK_LOG2, new SecureRandom());
    }

    /**
     * @param chunkLog2 log2 of the plaintext chunk size, 8..24
     * @param random source of the nonce prefix (the KEM draws from the scheme's random)
     */
    public EnvelopeWriter(
            AbeScheme scheme, PublicParameters params, Policy policy, Suite suite, int chunkLog2, SecureRandom random) {
        this.random = Objects.requireNonNull(random);
        this.scheme = Objects.requireNonNull(scheme);
        this.params = Objects.requireNonNull(params);
        this.policy = Objects.requireNonNull(policy);
        this.suite = Objects.requireNonNull(suite);
        if (chunkLog2 < Envelope.MIN_CHUNK_LOG2 || chunkLog2 > Envelope.MAX_CHUNK_LOG2) {
            throw new IllegalArgumentException("chunk size 2^" + chunkLog2 + " out of range");
        }
        this.chunkLog2 = chunkLog2;
    }

    /**
     * Encrypts everything from {@code in} to {@code out} (neither is closed).
     *
     * @return number of plaintext bytes read
     */
    public long encrypt(InputStream in, OutputStream out) throws IOException {
        return write(scheme.encapsulate(params, policy), suite, chunkLog2, random, in, out);
    }

    /** Writes an envelope whose KEM part is {@code enc} (see {@link RecordKem#envelope}). */
    static long write(
            Encapsulation enc, Suite suite, int chunkLog2, SecureRandom random, InputStream in, OutputStream out)
            throws IOException {
        byte[] prefix = new byte[Envelope.NONCE_PREFIX_BYTES];
        random.nextBytes(prefix);
        byte[] header = Envelope.headerBytes(suite, chunkLog2, enc.ciphertext().toBytes(), prefix);
        SymmetricSuite sym = Envelope.symmetric(suite);
        byte[] digest = sym.hash(header);
        SymmetricSuite.ChunkAead aead = Envelope.payloadAead(sym, suite, enc.key(), digest);
        out.write(header);
        byte[] sealed = new byte[(1 << chunkLog2) + SymmetricSuite.TAG_BYTES];
        return Envelope.<RuntimeException>chunks(in, 1 << chunkLog2, (plain, n, counter, last) -> {
            if (counter > 0xffffffffL) {
                throw new IOException("plaintext too long for one envelope");
            }
            try {
                int len = aead.encrypt(Envelope.nonce(prefix, counter, last), digest, plain, n, sealed);
                out.write(sealed, 0, len);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("chunk encryption failed", e);
            }
        });
    }
}
