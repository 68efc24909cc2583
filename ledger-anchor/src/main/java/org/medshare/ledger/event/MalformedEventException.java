package org.medshare.ledger.event;

/** An event encoding is not canonical version-1 bytes, or an event violates its schema. */
public final class MalformedEventException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedEventException(String message) {
        super(message);
    }
}
