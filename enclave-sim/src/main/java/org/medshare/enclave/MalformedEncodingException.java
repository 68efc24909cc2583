package org.medshare.enclave;

import java.security.GeneralSecurityException;

/** A binary encoding (quote, sealed blob, protocol payload) is truncated, padded or unknown. */
public final class MalformedEncodingException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public MalformedEncodingException(String message) {
        super(message);
    }
}
