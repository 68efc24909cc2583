package org.medshare.ledger.event;

/** The kinds of value an event may carry: identifiers, hashes, non-negative amounts, structured call data. */
public enum FieldKind {
    /** An opaque identifier: 1..128 characters from {@code [A-Za-z0-9_.:@-]} (no spaces, no free text). */
    ID,
    /** A 32-byte digest, e.g. a {@link SaltedHash} or a content hash. */
    HASH,
    /** A non-negative 64-bit integer (a count or an amount in the smallest currency unit). */
    AMOUNT,
    /**
     * 1..{@link Event#MAX_DATA_LENGTH} bytes of a structured encoding that the event type documents
     * (the incentive contract's canonical call: an EVM address and ABI-encoded ids and amounts);
     * never free text or record content.
     */
    DATA
}
