package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;

/**
 * A quote was refused. {@link #reason()} names the check that failed, so callers (and the REST
 * layer's problem+json) can say why without exposing internals; messages never contain secrets.
 */
public final class AttestationException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** One value per verifier check, in the order {@link QuoteVerifier} applies them. */
    public enum Reason {
        MALFORMED,
        NONCE_UNKNOWN,
        NONCE_REPLAYED,
        NONCE_EXPIRED,
        CERTIFICATE_CHAIN,
        SIGNATURE,
        SIMULATED_NOT_ALLOWED,
        DEBUG_ENCLAVE,
        CODE_HASH,
        SIGNER,
        PRODUCT_ID,
        SVN_TOO_LOW,
        TCB_LEVEL,
        QUOTE_TOO_OLD,
        REPORT_DATA_MISMATCH
    }

    private final Reason reason;

    public AttestationException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
