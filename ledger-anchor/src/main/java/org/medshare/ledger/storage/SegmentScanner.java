package org.medshare.ledger.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads every segment of a ledger directory in order and checks every byte: header magic, version,
 * suite and CRC; contiguous first indices; each frame's length, index and CRC. Stops at the first
 * problem and describes it. Read-only; used both by crash recovery and by the offline verifier.
 */
public final class SegmentScanner {
    private SegmentScanner() {}

    /** Receives each valid entry in index order. */
    @FunctionalInterface
    public interface Visitor {
        void entry(long index, byte[] payload, int segmentNumber, long offset);
    }

    /** One segment file as found. */
    public record SegmentInfo(Path path, long firstIndex, long entryCount, long validBytes) {
        public String name() {
            return path.getFileName().toString();
        }
    }

    /**
     * The first problem found. {@code tornTail} is true when the problem may be an interrupted final
     * write: it lies in the last segment, the damaged frame is the last thing in the file, and no
     * valid frame follows it.
     */
    public record Problem(String segment, long offset, long entryIndex, String detail, boolean tornTail) {}

    /** Everything read: the segments, the number of valid entries, and the first problem if any. */
    public record Result(List<SegmentInfo> segments, long entryCount, Problem problem) {}

    /** The segment files of {@code dir}, sorted by first index. */
    public static List<Path> segmentFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*" + SegmentFormat.SUFFIX)) {
            for (Path p : ds) {
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }

    public static Result scan(Path dir, int suiteCode, Visitor visitor) throws IOException {
        List<Path> files = segmentFiles(dir);
        List<SegmentInfo> infos = new ArrayList<>();
        long next = 0;
        for (int s = 0; s < files.size(); s++) {
            Path p = files.get(s);
            boolean last = s == files.size() - 1;
            String name = p.getFileName().toString();
            byte[] buf = Files.readAllBytes(p);
            if (buf.length < SegmentFormat.HEADER_SIZE) {
                infos.add(new SegmentInfo(p, next, 0, 0));
                return new Result(infos, next, new Problem(name, 0, next, "segment header truncated", last));
            }
            String headerProblem = checkHeader(buf, suiteCode, next, name);
            if (headerProblem != null) {
                infos.add(new SegmentInfo(p, next, 0, 0));
                return new Result(infos, next, new Problem(name, 0, next, headerProblem, false));
            }
            int off = SegmentFormat.HEADER_SIZE;
            long first = next;
            while (off < buf.length) {
                String bad = checkFrame(buf, off, next);
                if (bad != null) {
                    boolean torn = last && looksTorn(buf, off);
                    infos.add(new SegmentInfo(p, first, next - first, off));
                    return new Result(infos, next, new Problem(name, off, next, bad, torn));
                }
                int len = ByteBuffer.wrap(buf, off, 4).getInt();
                visitor.entry(
                        next,
                        Arrays.copyOfRange(
                                buf, off + SegmentFormat.PAYLOAD_OFFSET, off + SegmentFormat.PAYLOAD_OFFSET + len),
                        s,
                        off);
                off += SegmentFormat.FRAME_OVERHEAD + len;
                next++;
            }
            infos.add(new SegmentInfo(p, first, next - first, off));
        }
        return new Result(infos, next, null);
    }

    private static String checkHeader(byte[] buf, int suiteCode, long expectedFirst, String name) {
        if (!Arrays.equals(buf, 0, 8, SegmentFormat.MAGIC, 0, 8)) {
            return "segment header: bad magic";
        }
        CRC32C crc = new CRC32C();
        crc.update(buf, 0, 20);
        ByteBuffer b = ByteBuffer.wrap(buf);
        if (b.getInt(20) != (int) crc.getValue()) {
            return "segment header: checksum mismatch";
        }
        if ((buf[8] & 0xff) != SegmentFormat.VERSION) {
            return "segment header: unsupported format version " + (buf[8] & 0xff);
        }
        if ((buf[9] & 0xff) != suiteCode) {
            return "segment header: suite code " + (buf[9] & 0xff) + " but the log uses " + suiteCode;
        }
        long first = b.getLong(12);
        if (first != expectedFirst || !name.equals(SegmentFormat.fileName(first))) {
            return "segment header: first index " + first + " but entries so far end at " + expectedFirst
                    + " (a segment is missing or renamed)";
        }
        return null;
    }

    /** Null if a complete, valid frame for {@code index} starts at {@code off}. */
    private static String checkFrame(byte[] buf, int off, long index) {
        if (buf.length - off < SegmentFormat.PAYLOAD_OFFSET) {
            return "frame truncated at offset " + off;
        }
        if (!SegmentFormat.headerCrcOk(buf, off)) {
            return "frame header checksum mismatch at offset " + off;
        }
        ByteBuffer b = ByteBuffer.wrap(buf);
        int len = b.getInt(off);
        if (len <= 0 || len > SegmentFormat.MAX_PAYLOAD) {
            return "frame length " + len + " invalid at offset " + off;
        }
        long idx = b.getLong(off + 4);
        if (idx != index) {
            return "frame carries index " + idx + " at offset " + off;
        }
        if ((long) off + SegmentFormat.FRAME_OVERHEAD + len > buf.length) {
            return "frame truncated at offset " + off;
        }
        if (!SegmentFormat.frameCrcOk(buf, off, len)) {
            return "checksum mismatch at offset " + off;
        }
        return null;
    }

    /**
     * An interrupted write leaves the file ending inside the last frame (or, after power loss,
     * ending in zero-filled bytes). A complete frame with a bad checksum, or a damaged frame followed
     * by more data, is damage, not a torn tail.
     */
    private static boolean looksTorn(byte[] buf, int off) {
        int remaining = buf.length - off;
        if (remaining < SegmentFormat.PAYLOAD_OFFSET) {
            return true;
        }
        boolean allZero = true;
        for (int i = off; i < buf.length && allZero; i++) {
            allZero = buf[i] == 0;
        }
        if (allZero) {
            return true;
        }
        long len = ByteBuffer.wrap(buf).getInt(off);
        return SegmentFormat.headerCrcOk(buf, off)
                && len > 0
                && len <= SegmentFormat.MAX_PAYLOAD
                && off + SegmentFormat.FRAME_OVERHEAD + len > buf.length;
    }
}
