package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;

/** The key authority refused to release a key; {@link #reason()} says which check failed. */
public final class KeyReleaseException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        MALFORMED_REQUEST,
        NOT_SET_UP,
        ATTESTATION_REFUSED,
        APPROVAL_SIGNATURE,
        APPROVAL_UNTRUSTED_APPROVER,
        APPROVAL_EXPIRED,
        APPROVAL_REPLAYED,
        ATTRIBUTES_NOT_ALLOWED,
        /** A clinician key's attribute carries another epoch than the current one, or none where one is required. */
        EPOCH_NOT_CURRENT,
        /** The event that authorises the release is not proven to be under a final checkpoint. */
        NOT_ON_LEDGER,
        /** The proven event is not the one for this approval or grant. */
        LEDGER_EVENT_MISMATCH,
        UNWRAP_FAILED
    }

    private final Reason reason;

    public KeyReleaseException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
