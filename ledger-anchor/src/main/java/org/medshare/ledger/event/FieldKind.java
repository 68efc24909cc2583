package org.medshare.ledger.event;

/** The three kinds of value an event may carry: identifiers, hashes, non-negative amounts. */
public enum FieldKind {
    /** An opaque identifier: 1..128 characters from {@code [A-Za-z0-9_.:@-]} (no spaces, no free text). */
    ID,
    /** A 32-byte digest, e.g. a {@link SaltedHash} or a content hash. */
    HASH,
    /** A non-negative 64-bit integer (a count or an amount in the smallest currency unit). */
    AMOUNT
}
