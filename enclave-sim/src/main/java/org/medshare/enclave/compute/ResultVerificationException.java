package org.medshare.enclave.compute;

import java.security.GeneralSecurityException;

/** A stored query result failed one of {@link ResultVerifier}'s checks; {@link #check()} names which. */
public final class ResultVerificationException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** The checks, in the order {@link ResultVerifier} makes them. */
    public enum Check {
        /** The quote does not parse, does not chain to the pinned root, or does not bind the presented keys. */
        QUOTE("quote"),
        /** The quoted enclave identity (MRENCLAVE, signer, product, SVN, TCB) is not the pinned one. */
        MEASUREMENT("measurement"),
        /** The result is not signed by the key the quote binds, or is signed for another query. */
        SIGNATURE("signature"),
        /** The result shown is not the result the enclave signed. */
        RESULT_HASH("result hash");

        private final String label;

        Check(String label) {
            this.label = label;
        }

        /** The check's name in messages. */
        public String label() {
            return label;
        }
    }

    private final Check check;

    public ResultVerificationException(Check check, String message) {
        super(check.label() + ": " + message);
        this.check = check;
    }

    public Check check() {
        return check;
    }
}
