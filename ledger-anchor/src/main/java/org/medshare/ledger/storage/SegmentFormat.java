package org.medshare.ledger.storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * On-disk layout of segment files (all integers big-endian).
 * <pre>
 * segment file  = header, then frames
 * header (24 B) = "MSLEDGR1" | u8 format version (1) | u8 suite code | u16 zero | u64 first index
 *                 | u32 CRC-32C of the preceding 20 bytes
 * frame         = u32 payload length (1..MAX_PAYLOAD) | u64 entry index
 *                 | u32 CRC-32C over (length, index)            -- header checksum
 *                 | payload
 *                 | u32 CRC-32C over (length, index, header checksum, payload)
 * </pre>
 * File name: the first index as 20 decimal digits, then {@code .seg}. The header checksum tells a
 * damaged length (damage) from a frame cut short by an interrupted write (torn tail); the frame
 * checksum detects any other changed byte. Deliberate rewrites with recomputed checksums are caught
 * by the signed checkpoints' roots.
 */
public final class SegmentFormat {
    public static final byte[] MAGIC = "MSLEDGR1".getBytes(StandardCharsets.US_ASCII);
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 24;
    public static final int FRAME_OVERHEAD = 20;
    /** Offset of the payload inside a frame. */
    public static final int PAYLOAD_OFFSET = 16;

    public static final int MAX_PAYLOAD = 1 << 20;
    public static final String SUFFIX = ".seg";

    private SegmentFormat() {}

    public static String fileName(long firstIndex) {
        return String.format("%020d%s", firstIndex, SUFFIX);
    }

    static byte[] header(int suiteCode, long firstIndex) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_SIZE);
        b.put(MAGIC)
                .put((byte) VERSION)
                .put((byte) suiteCode)
                .putShort((short) 0)
                .putLong(firstIndex);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, 20);
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static void putFrame(ByteBuffer out, long index, byte[] payload) {
        int start = out.position();
        out.putInt(payload.length).putLong(index);
        CRC32C head = new CRC32C();
        head.update(out.array(), out.arrayOffset() + start, 12);
        out.putInt((int) head.getValue()).put(payload);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start, PAYLOAD_OFFSET + payload.length);
        out.putInt((int) crc.getValue());
    }

    /** Whether the 16-byte frame header at {@code off} carries a valid header checksum. */
    static boolean headerCrcOk(byte[] buf, int off) {
        CRC32C crc = new CRC32C();
        crc.update(buf, off, 12);
        return ByteBuffer.wrap(buf, off + 12, 4).getInt() == (int) crc.getValue();
    }

    static boolean frameCrcOk(byte[] buf, int off, int payloadLength) {
        CRC32C crc = new CRC32C();
        crc.update(buf, off, PAYLOAD_OFFSET + payloadLength);
        return ByteBuffer.wrap(buf, off + PAYLOAD_OFFSET + payloadLength, 4).getInt() == (int) crc.getValue();
    }
}
