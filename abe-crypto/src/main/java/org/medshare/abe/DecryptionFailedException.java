package org.medshare.abe;

import java.security.GeneralSecurityException;

/**
 * The one exception for every decryption failure: malformed or truncated envelope, unknown
 * version or suite, policy not satisfied by the key, invalid group element, wrong tag. It always has
 * the same message and no cause, so callers cannot learn which check failed.
 */
public final class DecryptionFailedException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;
    public static final String MESSAGE = "decryption failed";

    public DecryptionFailedException() {
        super(MESSAGE);
    }
}
