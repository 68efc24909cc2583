package org.medshare.abe.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;

/** Bounds-checked big-endian reader over a byte array; every failure is an IllegalArgumentException. */
public final class ByteReader {
    private final byte[] buf;
    private int pos;

    public ByteReader(byte[] buf) {
        this.buf = buf;
    }

    /**
     * A reader positioned after a format header: {@code magic} then a version byte that must be {@code version}.
     *
     * @param unsupported the refusal of another version, given that version
     * @throws IllegalArgumentException if the input does not start with {@code magic}
     * @throws E if the version is not {@code version}
     */
    public static <E extends Exception> ByteReader afterHeader(
            byte[] buf, byte[] magic, int version, IntFunction<E> unsupported) throws E {
        ByteReader r = new ByteReader(buf);
        r.expectMagic(magic);
        int v = r.u8();
        if (v != version) {
            throw unsupported.apply(v);
        }
        return r;
    }

    public int remaining() {
        return buf.length - pos;
    }

    public byte[] bytes(int n) {
        if (n < 0 || n > remaining()) {
            throw new IllegalArgumentException("truncated");
        }
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    public int u8() {
        if (remaining() < 1) {
            throw new IllegalArgumentException("truncated");
        }
        return buf[pos++] & 0xff;
    }

    public int u16() {
        return (u8() << 8) | u8();
    }

    public long u32() {
        return ((long) u16() << 16) | u16();
    }

    /** A u16-length-prefixed UTF-8 string, refused if malformed UTF-8. */
    public String string() {
        byte[] b = bytes(u16());
        String s = new String(b, StandardCharsets.UTF_8);
        if (!Arrays.equals(s.getBytes(StandardCharsets.UTF_8), b)) {
            throw new IllegalArgumentException("bad UTF-8");
        }
        return s;
    }

    public void expectMagic(byte[] magic) {
        if (!Arrays.equals(bytes(magic.length), magic)) {
            throw new IllegalArgumentException("wrong magic");
        }
    }

    public void expectEnd() {
        if (remaining() != 0) {
            throw new IllegalArgumentException("trailing bytes");
        }
    }
}
