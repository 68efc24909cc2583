package org.medshare.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A log checkpoint per C2SP tlog-checkpoint: the note text
 * <pre>
 * &lt;origin&gt;\n
 * &lt;tree size, decimal, no leading zeros&gt;\n
 * &lt;base64 root hash&gt;\n
 * [&lt;extension line&gt;\n ...]
 * </pre>
 * Immutable value type; {@link #parse} accepts exactly what {@link #format} writes.
 */
public final class Checkpoint {
    private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

    private final String origin;
    private final long size;
    private final byte[] rootHash;
    private final List<String> extensions;

    public Checkpoint(String origin, long size, byte[] rootHash) {
        this(origin, size, rootHash, List.of());
    }

    public Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {
        if (origin == null || origin.isEmpty() || !isLine(origin)) {
            throw new IllegalArgumentException("origin must be a non-empty line without control characters");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be >= 0");
        }
        if (rootHash == null || rootHash.length == 0) {
            throw new IllegalArgumentException("root hash required");
        }
        for (String e : extensions) {
            if (e.isEmpty() || !isLine(e)) {
                throw new IllegalArgumentException("extension lines must be non-empty lines");
            }
        }
        this.origin = origin;
        this.size = size;
        this.rootHash = rootHash.clone();
        this.extensions = List.copyOf(extensions);
    }

    public String origin() {
        return origin;
    }

    public long size() {
        return size;
    }

    public byte[] rootHash() {
        return rootHash.clone();
    }

    public List<String> extensions() {
        return extensions;
    }

    /** The note text (ends with a newline). */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(origin)
                .append('\n')
                .append(size)
                .append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash))
                .append('\n');
        for (String e : extensions) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    public byte[] toBytes() {
        return format().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses checkpoint note text.
     *
     * @param expectedHashSize the root length the caller's hash suite produces (32 for SHA-256 and SM3)
     */
    public static Checkpoint parse(String text, int expectedHashSize) throws MalformedNoteException {
        if (!text.endsWith("\n")) {
            throw new MalformedNoteException("checkpoint text must end with a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new MalformedNoteException("checkpoint needs origin, size and root lines");
        }
        if (!SIZE.matcher(lines[1]).matches()) {
            throw new MalformedNoteException("checkpoint size is not a canonical decimal: '" + lines[1] + "'");
        }
        long size;
        try {
            size = Long.parseLong(lines[1]);
        } catch (NumberFormatException e) {
            throw new MalformedNoteException("checkpoint size out of range");
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new MalformedNoteException("checkpoint root is not base64");
        }
        if (root.length != expectedHashSize
                || !Base64.getEncoder().encodeToString(root).equals(lines[2])) {
            throw new MalformedNoteException(
                    "checkpoint root must be canonical base64 of " + expectedHashSize + " bytes");
        }
        try {
            return new Checkpoint(lines[0], size, root, Arrays.asList(lines).subList(3, lines.length));
        } catch (IllegalArgumentException e) {
            throw new MalformedNoteException("invalid checkpoint: " + e.getMessage());
        }
    }

    private static boolean isLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < 0x20) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Checkpoint c
                && c.origin.equals(origin)
                && c.size == size
                && MessageDigest.isEqual(c.rootHash, rootHash)
                && c.extensions.equals(extensions);
    }

    @Override
    public int hashCode() {
        return origin.hashCode() * 31 + Long.hashCode(size) * 17 + Arrays.hashCode(rootHash);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + origin + ", size " + size + ", root "
                + Base64.getEncoder().encodeToString(rootHash) + "]";
    }
}
