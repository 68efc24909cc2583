package org.medshare.ledger.contract;

import java.nio.charset.StandardCharsets;
import org.medshare.ledger.event.SaltedHash;

/**
 * The 32-byte identifier of a query on the incentive contract ({@code bytes32
 * queryId}); a query is settled at most once. Immutable.
 */
public final class QueryId extends FixedBytes {
    /** Length in bytes. */
    public static final int LENGTH = 32;

    private QueryId(byte[] bytes) {
        super(bytes);
    }

    /**
     * @param bytes exactly 32 bytes (copied)
     * @throws IllegalArgumentException on any other length
     */
    public static QueryId of(byte[] bytes) {
        return new QueryId(copyOfLength(bytes, LENGTH, "a query id"));
    }

    /**
     * The id the service uses for its query {@code reference}: SHA-256 of the
     * reference's UTF-8 bytes (an id, never query content).
     */
    public static QueryId forReference(String reference) {
        if (reference == null || reference.isEmpty()) {
            throw new IllegalArgumentException("query reference must not be empty");
        }
        return new QueryId(SaltedHash.sha256(reference.getBytes(StandardCharsets.UTF_8)));
    }
}
