package org.medshare.ledger.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Append-only file of signed checkpoint notes: each record is {@code u32 length | u32 CRC-32C(length)
 * | UTF-8 note | u32 CRC-32C(length, header checksum, note)}. Every append is fsynced before it returns (checkpoints are rare: one
 * per batch of events, never one per entry). A record cut short at the end of the file is an
 * interrupted append and is dropped on open; any other damage (a complete record with a bad
 * checksum included) is reported.
 */
public final class CheckpointFile implements Closeable {
    /** The file name inside a ledger directory. */
    public static final String NAME = "checkpoints.notes";

    private static final int MAX_NOTE = 1 << 20;

    private final FileChannel channel;
    private long position;

    /** What {@link #read} found. */
    public record Contents(List<String> notes, long validBytes, String problem, boolean tornTail) {}

    private CheckpointFile(FileChannel channel, long position) {
        this.channel = channel;
        this.position = position;
    }

    /** Reads every record; stops at the first damaged one and describes it. Missing file = empty. */
    public static Contents read(Path file) throws IOException {
        List<String> notes = new ArrayList<>();
        if (!Files.exists(file)) {
            return new Contents(notes, 0, null, false);
        }
        byte[] buf = Files.readAllBytes(file);
        int off = 0;
        while (off < buf.length) {
            if (buf.length - off < 8) {
                return new Contents(notes, off, "checkpoint record " + notes.size() + " truncated", true);
            }
            CRC32C head = new CRC32C();
            head.update(buf, off, 4);
            if (ByteBuffer.wrap(buf).getInt(off + 4) != (int) head.getValue()) {
                return new Contents(
                        notes, off, "checkpoint record " + notes.size() + " header checksum mismatch", false);
            }
            int len = ByteBuffer.wrap(buf).getInt(off);
            if (len <= 0 || len > MAX_NOTE) {
                return new Contents(notes, off, "checkpoint record " + notes.size() + " has invalid length", false);
            }
            if ((long) off + 12 + len > buf.length) {
                return new Contents(notes, off, "checkpoint record " + notes.size() + " truncated", true);
            }
            CRC32C crc = new CRC32C();
            crc.update(buf, off, 8 + len);
            if (ByteBuffer.wrap(buf).getInt(off + 8 + len) != (int) crc.getValue()) {
                return new Contents(notes, off, "checkpoint record " + notes.size() + " checksum mismatch", false);
            }
            try {
                notes.add(StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(buf, off + 8, len))
                        .toString());
            } catch (CharacterCodingException e) {
                return new Contents(notes, off, "checkpoint record " + notes.size() + " is not UTF-8", false);
            }
            off += 12 + len;
        }
        return new Contents(notes, off, null, false);
    }

    /** Opens for appending after {@code validBytes} (truncating anything after it). */
    public static CheckpointFile openForAppend(Path file, long validBytes) throws IOException {
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (ch.size() != validBytes) {
            ch.truncate(validBytes);
            ch.force(true);
        }
        if (created) {
            ch.force(true);
            try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                d.force(true);
            }
        }
        return new CheckpointFile(ch, validBytes);
    }

    /** Appends one note and fsyncs. */
    public synchronized void append(String note) throws IOException {
        byte[] b = note.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(12 + b.length);
        buf.putInt(b.length);
        CRC32C head = new CRC32C();
        head.update(buf.array(), 0, 4);
        buf.putInt((int) head.getValue()).put(b);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 8 + b.length);
        buf.putInt((int) crc.getValue());
        buf.flip();
        while (buf.hasRemaining()) {
            position += channel.write(buf, position);
        }
        channel.force(false);
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
