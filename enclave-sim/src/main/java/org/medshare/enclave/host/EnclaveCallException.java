package org.medshare.enclave.host;

/**
 * The enclave answered a request with an ERROR frame. {@link #code()} is the machine-readable
 * reason (e.g. {@code ATTESTATION_REFUSED}, {@code LAUNCH_REFUSED}, {@code NO_SUCH_SERVICE}).
 */
public final class EnclaveCallException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String code;

    public EnclaveCallException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
