package org.medshare.enclave;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Strict big-endian reader matching {@link WireWriter}. Every read is bounds-checked; a length
 * prefix larger than the remaining input, or trailing bytes at {@link #expectEnd()}, raise
 * {@link MalformedEncodingException}, so a truncated or padded encoding is never half-accepted.
 */
public final class WireReader {
    private final byte[] in;
    private int pos;

    public WireReader(byte[] in) {
        this.in = in.clone();
    }

    /**
     * A reader over a versioned encoding: its first byte, read here, must be {@code version}.
     *
     * @param what the encoding's name for the message, e.g. {@code "compute request"}
     * @throws MalformedEncodingException {@code unknown <what> version <v>} for any other first byte
     */
    public static WireReader versioned(byte[] in, int version, String what) throws MalformedEncodingException {
        WireReader r = new WireReader(in);
        int v = r.u8();
        if (v != version) {
            throw new MalformedEncodingException("unknown " + what + " version " + v);
        }
        return r;
    }

    public int remaining() {
        return in.length - pos;
    }

    private void need(int n) throws MalformedEncodingException {
        if (n < 0 || n > remaining()) {
            throw new MalformedEncodingException(
                    "truncated input: need " + n + " bytes at offset " + pos + ", have " + remaining());
        }
    }

    public int u8() throws MalformedEncodingException {
        need(1);
        return in[pos++] & 0xFF;
    }

    public int u16() throws MalformedEncodingException {
        need(2);
        int v = ((in[pos] & 0xFF) << 8) | (in[pos + 1] & 0xFF);
        pos += 2;
        return v;
    }

    public int i32() throws MalformedEncodingException {
        need(4);
        int v = ((in[pos] & 0xFF) << 24)
                | ((in[pos + 1] & 0xFF) << 16)
                | ((in[pos + 2] & 0xFF) << 8)
                | (in[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long i64() throws MalformedEncodingException {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos + i] & 0xFF);
        }
        pos += 8;
        return v;
    }

    public byte[] fixed(int n) throws MalformedEncodingException {
        need(n);
        byte[] b = Arrays.copyOfRange(in, pos, pos + n);
        pos += n;
        return b;
    }

    public byte[] bytes() throws MalformedEncodingException {
        int n = i32();
        if (n < 0) {
            throw new MalformedEncodingException("negative length " + n + " at offset " + (pos - 4));
        }
        return fixed(n);
    }

    public String utf8() throws MalformedEncodingException {
        byte[] b = bytes();
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new MalformedEncodingException("invalid UTF-8 string");
        }
    }

    public void expectEnd() throws MalformedEncodingException {
        if (remaining() != 0) {
            throw new MalformedEncodingException(remaining() + " trailing bytes");
        }
    }

    /** {@code value}, read from this reader, once {@link #expectEnd()} has found no trailing bytes. */
    public <T> T end(T value) throws MalformedEncodingException {
        expectEnd();
        return value;
    }
}
