package org.medshare.ledger.replication;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A checkpoint body: log origin, tree size and RFC 9162 root hash. Its
 * {@link #text()} is the C2SP tlog-checkpoint body (origin line, decimal size
 * line, base64 root line), the bytes every proposer and witness signs.
 * Immutable.
 */
public final class TreeHead {
    private final String origin;
    private final long size;
    private final byte[] root;

    /**
     * @param origin non-empty, one line
     * @param size   at least 0
     * @param root   32 bytes (copied)
     */
    public TreeHead(String origin, long size, byte[] root) {
        Objects.requireNonNull(origin, "origin");
        if (origin.isEmpty() || origin.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("origin must be one non-empty line");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must not be negative");
        }
        if (root == null || root.length != Rfc9162.HASH_SIZE) {
            throw new IllegalArgumentException("root must have 32 bytes");
        }
        this.origin = origin;
        this.size = size;
        this.root = root.clone();
    }

    public String origin() {
        return origin;
    }

    public long size() {
        return size;
    }

    /** @return a copy of the root hash */
    public byte[] root() {
        return root.clone();
    }

    /** @return the C2SP checkpoint body: {@code origin\nsize\nbase64(root)\n} */
    public String text() {
        return origin + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
    }

    byte[] signedBytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TreeHead other
                && size == other.size
                && origin.equals(other.origin)
                && Arrays.equals(root, other.root);
    }

    @Override
    public int hashCode() {
        return Objects.hash(origin, size, Arrays.hashCode(root));
    }

    @Override
    public String toString() {
        return "TreeHead[" + origin + ", size " + size + ", root "
                + Base64.getEncoder().encodeToString(root) + "]";
    }
}
