package org.medshare.ledger.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The 32-byte identifier of a query on the incentive contract ({@code bytes32
 * queryId}); a query is settled at most once. Immutable.
 */
public final class QueryId {
    /** Length in bytes. */
    public static final int LENGTH = 32;

    private final byte[] bytes;

    private QueryId(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @param bytes exactly 32 bytes (copied)
     * @throws IllegalArgumentException on any other length
     */
    public static QueryId of(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException(
                    "a query id has 32 bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new QueryId(bytes.clone());
    }

    /**
     * The id the service uses for its query {@code reference}: SHA-256 of the
     * reference's UTF-8 bytes (an id, never query content).
     */
    public static QueryId forReference(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw new IllegalArgumentException("query reference must not be empty");
        }
        try {
            return new QueryId(MessageDigest.getInstance("SHA-256").digest(reference.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    /** @return a copy of the 32 bytes */
    public byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QueryId other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** @return {@code 0x} followed by 64 lower-case hex digits */
    @Override
    public String toString() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
