package org.medshare.enclave.ledger;

import java.security.GeneralSecurityException;

/** A ledger proof does not show its entry under a checkpoint the enclave accepts as final; the message says why. */
public final class LedgerProofException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public LedgerProofException(String message) {
        super(message);
    }
}
