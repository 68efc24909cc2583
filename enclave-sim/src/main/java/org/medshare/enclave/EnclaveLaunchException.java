package org.medshare.enclave;

import java.security.GeneralSecurityException;

/** The simulated EINIT refused to start the enclave (bad SIGSTRUCT or measurement mismatch). */
public final class EnclaveLaunchException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public EnclaveLaunchException(String message) {
        super(message);
    }
}
