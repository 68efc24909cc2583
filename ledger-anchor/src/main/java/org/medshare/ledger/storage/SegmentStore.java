package org.medshare.ledger.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Append-only entry storage in segment files ({@link SegmentFormat}). Writes go to the last segment;
 * {@link #sync()} makes them durable (one fsync for a whole batch: group commit). A new segment is
 * started once the current one exceeds the configured size; a segment is fsynced before the next one
 * is created, and the directory is fsynced after a file is created, so after a crash only the tail of
 * the last segment can be incomplete.
 *
 * <p>Thread-safety: one writer thread; {@link #read} may be called concurrently from any thread.
 */
public final class SegmentStore implements Closeable {
    private final Path dir;
    private final int suiteCode;
    private final long maxSegmentBytes;
    private final List<Segment> segments = new ArrayList<>();
    private long[] offsets = new long[1024];
    private volatile long size;
    private FileChannel writer;
    private long writerPosition;
    private boolean dirty;
    private boolean needDirSync;

    private record Segment(Path path, long firstIndex, FileChannel reader) {}

    private SegmentStore(Path dir, int suiteCode, long maxSegmentBytes) {
        this.dir = dir;
        this.suiteCode = suiteCode;
        this.maxSegmentBytes = maxSegmentBytes;
    }

    /**
     * Opens (or creates) the segments of {@code dir}. The caller has already run
     * {@link SegmentScanner#scan} and decided the scan result is acceptable; this truncates the last
     * segment to {@code result}'s valid bytes (dropping a torn tail) and positions the writer there.
     */
    public static SegmentStore open(
            Path dir, int suiteCode, long maxSegmentBytes, SegmentScanner.Result scan, long[] entryOffsets)
            throws IOException {
        SegmentStore st = new SegmentStore(dir, suiteCode, maxSegmentBytes);
        try {
            st.offsets = entryOffsets.length == 0 ? new long[1024] : entryOffsets;
            st.size = scan.entryCount();
            List<SegmentScanner.SegmentInfo> infos = scan.segments();
            for (int i = 0; i < infos.size(); i++) {
                SegmentScanner.SegmentInfo info = infos.get(i);
                boolean last = i == infos.size() - 1;
                if (last && info.validBytes() < SegmentFormat.HEADER_SIZE) {
                    Files.delete(info.path());
                    st.needDirSync = true;
                    continue;
                }
                if (last && Files.size(info.path()) != info.validBytes()) {
                    try (FileChannel ch = FileChannel.open(info.path(), StandardOpenOption.WRITE)) {
                        ch.truncate(info.validBytes());
                        ch.force(true);
                    }
                }
                st.segments.add(new Segment(
                        info.path(), info.firstIndex(), FileChannel.open(info.path(), StandardOpenOption.READ)));
            }
            if (st.segments.isEmpty()) {
                st.startSegment(st.size);
            } else {
                Segment last = st.segments.get(st.segments.size() - 1);
                st.writer = FileChannel.open(last.path(), StandardOpenOption.WRITE);
                st.writerPosition = st.writer.size();
            }
            if (st.needDirSync) {
                st.syncDir();
            }
            return st;
        } catch (IOException | RuntimeException e) {
            st.close();
            throw e;
        }
    }

    /** The number of entries written (durable or not). */
    public long size() {
        return size;
    }

    /**
     * Writes the payloads as entries {@code size() .. size() + n - 1}. Not durable until {@link #sync()}.
     * Requires every payload to be 1..{@link SegmentFormat#MAX_PAYLOAD} bytes.
     */
    public void append(List<byte[]> payloads) throws IOException {
        int total = 0;
        for (byte[] p : payloads) {
            if (p.length == 0 || p.length > SegmentFormat.MAX_PAYLOAD) {
                throw new IllegalArgumentException("payload must be 1.." + SegmentFormat.MAX_PAYLOAD + " bytes");
            }
            total += SegmentFormat.FRAME_OVERHEAD + p.length;
        }
        if (writerPosition > SegmentFormat.HEADER_SIZE && writerPosition + total > maxSegmentBytes) {
            sync();
            startSegment(size);
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        long index = size;
        long pos = writerPosition;
        ensureOffsets(size + payloads.size());
        for (byte[] p : payloads) {
            offsets[(int) index] = pos + buf.position();
            SegmentFormat.putFrame(buf, index, p);
            index++;
        }
        buf.flip();
        while (buf.hasRemaining()) {
            writerPosition += writer.write(buf, writerPosition);
        }
        dirty = true;
        size = index;
    }

    /** Makes every appended entry durable (fdatasync of the current segment, and of the directory if needed). */
    public void sync() throws IOException {
        if (dirty) {
            writer.force(false);
            dirty = false;
        }
        if (needDirSync) {
            syncDir();
        }
    }

    /** The payload of entry {@code index}; requires {@code index < size()}. */
    public byte[] read(long index) throws IOException {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("no entry " + index + " (size " + size + ")");
        }
        Segment seg = segmentOf(index);
        long off = offsets[(int) index];
        ByteBuffer head = ByteBuffer.allocate(SegmentFormat.PAYLOAD_OFFSET);
        readFully(seg.reader(), head, off);
        int len = head.getInt(0);
        if (!SegmentFormat.headerCrcOk(head.array(), 0)
                || len <= 0
                || len > SegmentFormat.MAX_PAYLOAD
                || head.getLong(4) != index) {
            throw new IOException(
                    "entry " + index + " (" + seg.path().getFileName() + "): frame header changed on disk");
        }
        ByteBuffer frame = ByteBuffer.allocate(SegmentFormat.FRAME_OVERHEAD + len);
        readFully(seg.reader(), frame, off);
        if (!SegmentFormat.frameCrcOk(frame.array(), 0, len)) {
            throw new IOException("entry " + index + " (" + seg.path().getFileName() + "): checksum mismatch on read");
        }
        return Arrays.copyOfRange(frame.array(), SegmentFormat.PAYLOAD_OFFSET, SegmentFormat.PAYLOAD_OFFSET + len);
    }

    /** The segment file names, oldest first. */
    public List<String> segmentNames() {
        synchronized (segments) {
            return segments.stream().map(s -> s.path().getFileName().toString()).toList();
        }
    }

    private Segment segmentOf(long index) {
        synchronized (segments) {
            for (int i = segments.size() - 1; i >= 0; i--) {
                if (segments.get(i).firstIndex() <= index) {
                    return segments.get(i);
                }
            }
        }
        throw new IllegalStateException("no segment holds entry " + index);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, pos + b.position());
            if (n < 0) {
                throw new IOException("segment shorter than expected");
            }
        }
    }

    private void ensureOffsets(long n) {
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalStateException("this store indexes at most 2^31 entries");
        }
        if (n > offsets.length) {
            offsets = Arrays.copyOf(offsets, (int)
                    Math.max(n, Math.min((long) offsets.length * 2, Integer.MAX_VALUE - 16)));
        }
    }

    private void startSegment(long firstIndex) throws IOException {
        if (writer != null) {
            writer.close();
        }
        Path p = dir.resolve(SegmentFormat.fileName(firstIndex));
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        ch.write(ByteBuffer.wrap(SegmentFormat.header(suiteCode, firstIndex)), 0);
        ch.force(true);
        writer = ch;
        writerPosition = SegmentFormat.HEADER_SIZE;
        synchronized (segments) {
            segments.add(new Segment(p, firstIndex, FileChannel.open(p, StandardOpenOption.READ)));
        }
        needDirSync = true;
        syncDir();
    }

    private void syncDir() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
        needDirSync = false;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        if (writer != null) {
            try {
                sync();
                writer.close();
            } catch (IOException e) {
                first = e;
            }
        }
        synchronized (segments) {
            for (Segment s : segments) {
                try {
                    s.reader().close();
                } catch (IOException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
