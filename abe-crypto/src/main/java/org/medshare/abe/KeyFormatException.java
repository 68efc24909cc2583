package org.medshare.abe;

import java.security.GeneralSecurityException;

/**
 * Serialised parameters or keys that cannot be loaded: wrong magic, unsupported version, bad length,
 * or a group element that is not a valid element of its subgroup. The message never contains key
 * material.
 */
public final class KeyFormatException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public KeyFormatException(String message) {
        super(message);
    }
}
