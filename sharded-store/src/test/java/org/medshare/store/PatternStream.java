package org.medshare.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** A deterministic pseudo-random byte stream of a given length (xorshift64*), for large test records. */
public final class PatternStream extends InputStream {
    private final long length;
    private long state;
    private long produced;
    private long word;
    private int wordLeft;

    PatternStream(long seed, long length) {
        this.state = seed * 0x9E3779B97F4A7C15L + 1;
        this.length = length;
    }

    private byte next() {
        if (wordLeft == 0) {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            word = state * 0x2545F4914F6CDD1DL;
            wordLeft = 8;
        }
        byte b = (byte) word;
        word >>>= 8;
        wordLeft--;
        return b;
    }

    @Override
    public int read() {
        if (produced == length) {
            return -1;
        }
        produced++;
        return next() & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (produced == length) {
            return -1;
        }
        int c = (int) Math.min(len, length - produced);
        for (int i = 0; i < c; i++) {
            b[off + i] = next();
        }
        produced += c;
        return c;
    }

    public static byte[] bytes(long seed, int length) throws IOException {
        return new PatternStream(seed, length).readAllBytes();
    }

    /** Asserts {@code actual} yields exactly the pattern (seed, length); returns a message or null. */
    static String compare(long seed, long length, InputStream actual) throws IOException {
        PatternStream expected = new PatternStream(seed, length);
        byte[] a = new byte[1 << 16];
        byte[] e = new byte[1 << 16];
        long pos = 0;
        while (true) {
            int got = actual.readNBytes(a, 0, a.length);
            int want = expected.readNBytes(e, 0, got == 0 ? 1 : got);
            if (got != want) {
                return "length differs near byte " + pos;
            }
            if (got == 0) {
                return null;
            }
            if (!Arrays.equals(a, 0, got, e, 0, got)) {
                return "content differs in block at byte " + pos;
            }
            pos += got;
        }
    }
}
