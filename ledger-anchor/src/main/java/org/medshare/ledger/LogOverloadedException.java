package org.medshare.ledger;

/** The append queue is full: retry later (a REST layer maps this to 503 with Retry-After). */
public final class LogOverloadedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogOverloadedException(String message) {
        super(message);
    }
}
