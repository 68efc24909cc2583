package org.medshare.ledger.checkpoint;

import java.security.GeneralSecurityException;

/** A signed note or checkpoint did not verify against the trusted keys, or missed its quorum. */
public final class SignatureVerificationException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public SignatureVerificationException(String message) {
        super(message);
    }
}
