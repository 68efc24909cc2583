package org.medshare.enclave;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian writer for the enclave's versioned binary encodings (quotes, sealed blobs, protocol
 * payloads). Variable-length fields are prefixed with an unsigned 32-bit length.
 */
public final class WireWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

    public WireWriter u8(int v) {
        if (v < 0 || v > 0xFF) {
            throw new IllegalArgumentException("u8 out of range: " + v);
        }
        out.write(v);
        return this;
    }

    public WireWriter u16(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException("u16 out of range: " + v);
        }
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public WireWriter i32(int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
        return this;
    }

    public WireWriter i64(long v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
        return this;
    }

    /** Writes {@code b} verbatim, without a length prefix (for fixed-size fields). */
    public WireWriter fixed(byte[] b) {
        out.writeBytes(b);
        return this;
    }

    /** Writes a 32-bit length followed by the bytes. */
    public WireWriter bytes(byte[] b) {
        i32(b.length);
        out.writeBytes(b);
        return this;
    }

    public WireWriter utf8(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    public byte[] toByteArray() {
        return out.toByteArray();
    }
}
