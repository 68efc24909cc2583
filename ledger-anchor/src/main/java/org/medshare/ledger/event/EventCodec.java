package org.medshare.ledger.event;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The one canonical binary encoding of an {@link Event}, version 1. Every event has exactly one
 * encoding and every accepted byte string decodes to exactly one event, so the Merkle leaf (RFC 9162
 * {@code MTH({d})}, with d = these bytes) identifies the event.
 *
 * <pre>
 * u8  version        = 1
 * u8  type code      (EventType.code)
 * i64 timestamp ms   (big-endian, >= 0)
 * then each field of the type, in EventType.fields() order:
 *   ID      u8 length (1..128) || ASCII bytes of [A-Za-z0-9_.:@-]
 *   HASH    32 bytes
 *   AMOUNT  i64 big-endian, >= 0
 *   DATA    u32 length (1..Event.MAX_DATA_LENGTH) || bytes
 * </pre>
 * Decoding refuses unknown versions and type codes, out-of-range values and trailing bytes.
 */
public final class EventCodec {
    /** The encoding version this codec writes and the only one it reads. */
    public static final int VERSION = 1;

    private EventCodec() {}

    public static byte[] encode(Event e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96);
        out.write(VERSION);
        out.write(e.type().code());
        writeLong(out, e.timestampMillis());
        for (Field f : e.type().fields()) {
            Object v = e.raw(f);
            switch (f.kind()) {
                case ID -> {
                    byte[] b = ((String) v).getBytes(StandardCharsets.US_ASCII);
                    out.write(b.length);
                    out.write(b, 0, b.length);
                }
                case HASH -> out.write((byte[]) v, 0, Event.HASH_LENGTH);
                case AMOUNT -> writeLong(out, (Long) v);
                case DATA -> {
                    byte[] b = (byte[]) v;
                    writeInt(out, b.length);
                    out.write(b, 0, b.length);
                }
            }
        }
        return out.toByteArray();
    }

    public static Event decode(byte[] bytes) throws MalformedEventException {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            int version = in.get() & 0xff;
            if (version != VERSION) {
                throw new MalformedEventException("unsupported event encoding version " + version);
            }
            EventType type = EventType.fromCode(in.get() & 0xff);
            long ts = in.getLong();
            if (ts < 0) {
                throw new MalformedEventException("negative timestamp");
            }
            Event.Builder b = Event.builder(type).timestamp(ts);
            for (Field f : type.fields()) {
                switch (f.kind()) {
                    case ID -> {
                        int len = in.get() & 0xff;
                        if (len == 0 || len > Event.MAX_ID_LENGTH) {
                            throw new MalformedEventException(f + ": id length " + len + " out of range");
                        }
                        byte[] s = new byte[len];
                        in.get(s);
                        b.id(f, new String(s, StandardCharsets.US_ASCII));
                    }
                    case HASH -> {
                        byte[] h = new byte[Event.HASH_LENGTH];
                        in.get(h);
                        b.hash(f, h);
                    }
                    case AMOUNT -> b.amount(f, in.getLong());
                    case DATA -> {
                        int len = in.getInt();
                        if (len <= 0 || len > Event.MAX_DATA_LENGTH) {
                            throw new MalformedEventException(
                                    f + ": data length " + Integer.toUnsignedString(len) + " out of range");
                        }
                        if (len > in.remaining()) {
                            throw new MalformedEventException("event encoding truncated");
                        }
                        byte[] d = new byte[len];
                        in.get(d);
                        b.data(f, d);
                    }
                }
            }
            if (in.hasRemaining()) {
                throw new MalformedEventException(in.remaining() + " trailing bytes after " + type);
            }
            return b.build();
        } catch (BufferUnderflowException e) {
            throw new MalformedEventException("event encoding truncated");
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("invalid field value: " + e.getMessage());
        }
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        for (int i = 24; i >= 0; i -= 8) {
            out.write(v >>> i);
        }
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        for (int i = 56; i >= 0; i -= 8) {
            out.write((int) (v >>> i));
        }
    }
}
