package org.medshare.ledger;

/**
 * The replicated ledger could not take an event: no quorum of members answered in time. Nothing the caller asked
 * for was acknowledged; retry later (a REST layer maps this to 503 with Retry-After).
 */
public final class LedgerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LedgerUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
