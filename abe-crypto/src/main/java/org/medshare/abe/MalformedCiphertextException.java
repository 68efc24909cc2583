package org.medshare.abe;

import java.security.GeneralSecurityException;

/**
 * A ciphertext or envelope whose structure cannot be read: wrong magic, unknown version or suite,
 * impossible length. Thrown by the parsing/inspection entry points ({@link Ciphertext#parse},
 * {@link Envelope#inspect}) so tooling gets a clear reason; decryption itself reports every failure as
 * {@link DecryptionFailedException}.
 */
public final class MalformedCiphertextException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public MalformedCiphertextException(String message) {
        super(message);
    }
}
