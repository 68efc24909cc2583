package org.medshare.ledger.anchor;

/**
 * The chain answered, and the {@code CheckpointAnchor} contract refused the call or its transaction
 * reverted; nothing was anchored. Retrying the same call will be refused again.
 */
public final class AnchorRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    public AnchorRefusedException(String message) {
        super(message);
    }
}
