package org.medshare.abe;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;

/** Test-only reproducible "SecureRandom": SHA-256(seed || counter) blocks. Never use outside tests. */
final class DeterministicRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;

    DeterministicRandom(long seed) {
        super(new Spi(seed), null);
    }

    private static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final long seed;
        private long counter;

        Spi(long seed) {
            this.seed = seed;
        }

        @Override
        protected void engineSetSeed(byte[] s) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                int off = 0;
                while (off < bytes.length) {
                    byte[] block = md.digest(ByteBuffer.allocate(16)
                            .putLong(seed)
                            .putLong(counter++)
                            .array());
                    int n = Math.min(block.length, bytes.length - off);
                    System.arraycopy(block, 0, bytes, off, n);
                    off += n;
                }
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            byte[] b = new byte[numBytes];
            engineNextBytes(b);
            return b;
        }
    }
}
