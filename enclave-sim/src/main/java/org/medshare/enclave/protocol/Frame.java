package org.medshare.enclave.protocol;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.medshare.enclave.MalformedEncodingException;

/**
 * One length-prefixed protocol message: u32 length of what follows, u16 protocol version, u16
 * message type, payload. Frames larger than {@link #MAX_FRAME_BYTES} or with an unknown version
 * or type are refused before their payload is read.
 */
public record Frame(MessageType type, byte[] payload) {
    public static final int PROTOCOL_VERSION = 1;
    public static final int MAX_FRAME_BYTES = 256 * 1024 * 1024;

    public Frame {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Writes the frame and flushes. */
    public void writeTo(OutputStream out) throws IOException {
        if (payload.length > MAX_FRAME_BYTES - 4) {
            throw new IOException("frame payload of " + payload.length + " bytes exceeds the limit");
        }
        DataOutputStream d = new DataOutputStream(out);
        d.writeInt(4 + payload.length);
        d.writeShort(PROTOCOL_VERSION);
        d.writeShort(type.code());
        d.write(payload);
        d.flush();
    }

    /**
     * Reads one frame.
     *
     * @throws EOFException if the stream ends cleanly before a frame starts or inside one
     * @throws ProtocolException if the frame is oversized, of another protocol version or of an
     *     unknown type
     */
    public static Frame readFrom(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int length = d.readInt();
        if (length < 4 || length > MAX_FRAME_BYTES) {
            throw new ProtocolException("frame length " + length + " outside 4.." + MAX_FRAME_BYTES);
        }
        int version = d.readUnsignedShort();
        if (version != PROTOCOL_VERSION) {
            throw new ProtocolException(
                    "peer speaks protocol version " + version + ", this side speaks " + PROTOCOL_VERSION);
        }
        MessageType type;
        try {
            type = MessageType.fromCode(d.readUnsignedShort());
        } catch (MalformedEncodingException e) {
            throw new ProtocolException(e.getMessage());
        }
        byte[] payload = new byte[length - 4];
        d.readFully(payload);
        return new Frame(type, payload);
    }
}
