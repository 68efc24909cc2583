package org.medshare.enclave;

/**
 * A refusal or failure of an {@link EnclaveService} call. The code is machine-readable (e.g.
 * {@code ATTESTATION_REFUSED}); the message must be safe to send to the host.
 */
public class EnclaveServiceException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public EnclaveServiceException(String code, String message) {
        super(message);
        if (!code.matches("[A-Z][A-Z0-9_]{0,63}")) {
            throw new IllegalArgumentException("error code must be UPPER_SNAKE_CASE");
        }
        this.code = code;
    }

    public String code() {
        return code;
    }
}
