package org.medshare.abe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import org.medshare.abe.internal.SymmetricSuite;

/**
 * Streams an {@link Envelope} back to plaintext with a {@link UserKey}, in constant memory. Every
 * failure (format, policy, group element, tag, truncation, trailing data) is reported as the same
 * {@link DecryptionFailedException}. Verified chunks are written as they are verified; on failure the
 * caller must discard what was written (see {@link Envelope}).
 */
public final class EnvelopeReader {
    private final UserKey key;
    private final AbeScheme scheme = AbeScheme.create();

    public EnvelopeReader(UserKey key) {
        this.key = Objects.requireNonNull(key);
    }

    /**
     * Decrypts everything from {@code in} to {@code out} (neither is closed).
     *
     * @return number of plaintext bytes written
     * @throws IOException only for failures of the output stream or of reading the input
     */
    public long decrypt(InputStream in, OutputStream out) throws IOException, DecryptionFailedException {
        Envelope.Parsed p;
        try {
            p = Envelope.readHeader(in);
        } catch (MalformedCiphertextException e) {
            throw new DecryptionFailedException();
        }
        Suite suite = p.header().suite();
        SymmetricSuite sym = Envelope.symmetric(suite);
        byte[] digest = sym.hash(p.headerBytes());
        SecretBytes kemKey;
        try {
            kemKey = scheme.decapsulate(key, p.kem());
        } catch (RuntimeException e) {
            throw new DecryptionFailedException();
        }
        SymmetricSuite.ChunkAead aead = Envelope.payloadAead(sym, suite, kemKey, digest);
        int sealedSize = p.header().chunkSize() + SymmetricSuite.TAG_BYTES;
        byte[] plain = new byte[sealedSize];
        long[] total = {0};
        Envelope.<DecryptionFailedException>chunks(in, sealedSize, (chunk, n, counter, last) -> {
            if (n < SymmetricSuite.TAG_BYTES || counter > 0xffffffffL) {
                throw new DecryptionFailedException();
            }
            int len;
            try {
                len = aead.decrypt(Envelope.nonce(p.noncePrefix(), counter, last), digest, chunk, n, plain);
            } catch (GeneralSecurityException e) {
                throw new DecryptionFailedException();
            }
            out.write(plain, 0, len);
            total[0] += len;
        });
        Arrays.fill(plain, (byte) 0);
        return total[0];
    }
}
