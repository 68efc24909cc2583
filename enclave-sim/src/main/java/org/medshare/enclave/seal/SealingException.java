package org.medshare.enclave.seal;

import java.security.GeneralSecurityException;

/** Sealed data cannot be opened by this enclave (wrong identity, lower SVN, tampered or malformed). */
public final class SealingException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public SealingException(String message) {
        super(message);
    }
}
