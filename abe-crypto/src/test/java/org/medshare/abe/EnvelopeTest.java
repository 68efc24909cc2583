package org.medshare.abe;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EnvelopeTest {
    static AbeScheme scheme;
    static MasterKey msk;
    static UserKey key;
    static final int CHUNK_LOG2 = 8;
    static final int SEALED = (1 << CHUNK_LOG2) + 16;

    @BeforeAll
    static void setUp() {
        scheme = new AbeScheme(new DeterministicRandom(2));
        msk = scheme.setup(Suite.NIST);
        key = scheme.keygen(msk, List.of("a:1", "role:physician"));
    }

    static byte[] seal(Suite suite, String policy, byte[] plaintext) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new EnvelopeWriter(scheme, msk.publicParameters(), Policy.parse(policy), suite, CHUNK_LOG2, new SecureRandom())
                .encrypt(new ByteArrayInputStream(plaintext), out);
        return out.toByteArray();
    }

    static int headerLength(byte[] env) {
        int kem = ((env[7] & 0xff) << 24) | ((env[8] & 0xff) << 16) | ((env[9] & 0xff) << 8) | (env[10] & 0xff);
        return 11 + kem + 7;
    }

    static void refused(byte[] env, String what) {
        DecryptionFailedException e =
                assertThrows(DecryptionFailedException.class, () -> Envelope.decrypt(key, env), what);
        assertEquals(DecryptionFailedException.MESSAGE, e.getMessage(), what);
        assertNull(e.getCause(), what);
    }

    @Test
    void roundTripsEveryLengthAroundChunkBoundaries() throws Exception {
        Random r = new Random(3);
        for (Suite suite : Suite.values()) {
            for (int len : new int[] {0, 1, 255, 256, 257, 511, 512, 513, 1000}) {
                byte[] pt = new byte[len];
                r.nextBytes(pt);
                byte[] env = seal(suite, "a:1 AND role:physician", pt);
                assertArrayEquals(pt, Envelope.decrypt(key, env), suite + " " + len);
                int chunks = Math.max(1, (len + 255) / 256);
                assertEquals(headerLength(env) + len + 16L * chunks, env.length);
                EnvelopeHeader h = Envelope.inspect(new ByteArrayInputStream(env));
                assertEquals(suite, h.suite());
                assertEquals(256, h.chunkSize());
                assertEquals(Policy.parse("a:1 AND role:physician"), h.policy());
            }
        }
    }

    @Test
    void convenienceApiUsesDefaultChunks() throws Exception {
        byte[] pt = "hello FHIR".getBytes();
        byte[] env = Envelope.encrypt(msk.publicParameters(), Policy.parse("role:physician"), Suite.GM, pt);
        assertArrayEquals(pt, Envelope.decrypt(key, env));
        assertEquals(
                1 << Envelope.DEFAULT_CHUNK_LOG2,
                Envelope.inspect(new ByteArrayInputStream(env)).chunkSize());
    }

    /**
     * NIST: every bit of a two-chunk envelope. GM: every bit of header and KEM, and one bit per byte
     * (bit = offset mod 8) of nonce prefix and chunks, to keep the suite fast (each payload flip costs
     * a full decapsulation).
     */
    @Test
    void everySingleBitFlipIsRefusedWithTheSameError() throws Exception {
        for (Suite suite : Suite.values()) {
            byte[] pt = new byte[300]; // two chunks: 256 + 44
            new Random(4).nextBytes(pt);
            byte[] env = seal(suite, "a:1", pt);
            assertArrayEquals(pt, Envelope.decrypt(key, env));
            List<String> accepted = new ArrayList<>();
            int payloadStart = headerLength(env) - 7;
            for (int i = 0; i < env.length; i++) {
                for (int bit = 0; bit < 8; bit++) {
                    if (suite == Suite.GM && i >= payloadStart && bit != i % 8) {
                        continue;
                    }
                    byte[] bad = env.clone();
                    bad[i] ^= (byte) (1 << bit);
                    try {
                        Envelope.decrypt(key, bad);
                        accepted.add(i + "." + bit);
                    } catch (DecryptionFailedException e) {
                        if (!DecryptionFailedException.MESSAGE.equals(e.getMessage()) || e.getCause() != null) {
                            accepted.add(i + "." + bit + " (different error)");
                        }
                    }
                }
            }
            assertEquals(List.of(), accepted, suite + ": flips not refused");
        }
    }

    @Test
    void truncationAtEveryChunkBoundaryAndElsewhereIsRefused() throws Exception {
        byte[] pt = new byte[256 * 3 + 10];
        new Random(5).nextBytes(pt);
        byte[] env = seal(Suite.NIST, "a:1", pt);
        int h = headerLength(env);
        List<Integer> cuts = new ArrayList<>(List.of(0, 3, 4, 10, 11, h - 7, h - 1, h, h + 1, env.length - 1));
        for (int c = 1; c <= 3; c++) {
            cuts.add(h + c * SEALED); // exactly at chunk boundaries: whole chunks dropped from the end
            cuts.add(h + c * SEALED - 16); // tag removed
        }
        for (int cut : cuts) {
            refused(Arrays.copyOf(env, cut), "truncated at " + cut);
        }
    }

    @Test
    void reorderedDuplicatedDroppedOrExtendedChunksAreRefused() throws Exception {
        byte[] pt = new byte[256 * 3 + 10];
        new Random(6).nextBytes(pt);
        byte[] env = seal(Suite.GM, "a:1", pt);
        int h = headerLength(env);
        byte[][] chunk = new byte[4][];
        for (int c = 0; c < 3; c++) {
            chunk[c] = Arrays.copyOfRange(env, h + c * SEALED, h + (c + 1) * SEALED);
        }
        chunk[3] = Arrays.copyOfRange(env, h + 3 * SEALED, env.length);
        byte[] head = Arrays.copyOf(env, h);
        refused(concat(head, chunk[1], chunk[0], chunk[2], chunk[3]), "swap-chunks-0-1");
        refused(concat(head, chunk[0], chunk[0], chunk[1], chunk[2], chunk[3]), "duplicate-chunk-0");
        refused(concat(head, chunk[0], chunk[2], chunk[3]), "drop-chunk-1");
        refused(concat(head, chunk[0], chunk[1], chunk[2]), "drop-final-chunk");
        refused(concat(env, new byte[] {0}), "trailing-byte");
        refused(concat(env, chunk[3]), "final-chunk-repeated");
        byte[] other = seal(Suite.GM, "a:1", pt);
        int ho = headerLength(other);
        refused(concat(head, Arrays.copyOfRange(other, ho, other.length)), "payload-from-other-envelope");
        assertArrayEquals(pt, Envelope.decrypt(key, concat(head, chunk[0], chunk[1], chunk[2], chunk[3])));
    }

    @Test
    void wrongMagicVersionSuiteAndAbsurdLengthsAreRefusedClearly() throws Exception {
        byte[] env = seal(Suite.NIST, "a:1", new byte[10]);
        assertInspect(with(env, 0, 'X'), "wrong magic");
        assertInspect(with(env, 4, 2), "unsupported envelope version 2");
        assertInspect(with(env, 5, 3), "unknown envelope suite id 3");
        assertInspect(with(env, 6, 40), "chunk size 2^40 out of range");
        byte[] huge = env.clone();
        huge[7] = (byte) 0xff;
        huge[8] = (byte) 0xff;
        huge[9] = (byte) 0xff;
        huge[10] = (byte) 0xff;
        assertInspect(huge, "exceeds");
        assertInspect(Arrays.copyOf(env, 5), "shorter than its header");
        for (byte[] bad : List.of(with(env, 0, 'X'), with(env, 4, 2), with(env, 5, 3), huge, with(env, 6, 40))) {
            refused(bad, "header");
        }
        // the KEM's own policy length claims more bytes than there are
        byte[] policyLen = env.clone();
        policyLen[11 + 5] = (byte) 0xff;
        refused(policyLen, "policy length");
        assertThrows(MalformedCiphertextException.class, () -> Envelope.inspect(new ByteArrayInputStream(policyLen)));
    }

    private static void assertInspect(byte[] env, String expected) {
        MalformedCiphertextException e =
                assertThrows(MalformedCiphertextException.class, () -> Envelope.inspect(new ByteArrayInputStream(env)));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void unsatisfiedPolicyAndForeignAuthorityAreRefused() throws Exception {
        refused(seal(Suite.NIST, "role:auditor", new byte[5]), "unsatisfied");
        MasterKey other = scheme.setup(Suite.NIST);
        UserKey foreign = scheme.keygen(other, List.of("a:1"));
        byte[] env = seal(Suite.NIST, "a:1", new byte[5]);
        assertThrows(DecryptionFailedException.class, () -> Envelope.decrypt(foreign, env));
    }

    @Test
    void streamsLargeInputsInConstantMemory() throws Exception {
        long size = 48L << 20; // 48 MiB generated on the fly, never held in memory
        MessageDigest inDigest = MessageDigest.getInstance("SHA-256");
        File tmp = File.createTempFile("envelope", ".bin");
        tmp.deleteOnExit();
        try (OutputStream out = new FileOutputStream(tmp)) {
            long n = new EnvelopeWriter(scheme, msk.publicParameters(), Policy.parse("a:1"), Suite.NIST)
                    .encrypt(new DigestInputStream(new Generated(size), inDigest), out);
            assertEquals(size, n);
        }
        MessageDigest outDigest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new FileInputStream(tmp);
                OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), outDigest)) {
            assertEquals(size, new EnvelopeReader(key).decrypt(in, sink));
        }
        assertArrayEquals(inDigest.digest(), outDigest.digest());
        assertTrue(tmp.delete());
    }

    /** Deterministic pseudo-random stream of a given length. */
    static final class Generated extends InputStream {
        private long left;
        private final Random r = new Random(11);

        Generated(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) (i * 31 + left);
            }
            left -= n;
            return n;
        }
    }

    static byte[] with(byte[] b, int pos, int value) {
        byte[] c = b.clone();
        c[pos] = (byte) value;
        return c;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            o.writeBytes(p);
        }
        return o.toByteArray();
    }
}
