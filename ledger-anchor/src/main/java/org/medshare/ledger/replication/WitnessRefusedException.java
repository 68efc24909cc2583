package org.medshare.ledger.replication;

/** A witness refused to cosign a proposed checkpoint; its state is unchanged. */
public final class WitnessRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the witness refused. */
    public enum Reason {
        /** The proposer is not a consortium member. */
        UNKNOWN_PROPOSER,
        /** The proposer's signature over the checkpoint does not verify. */
        BAD_PROPOSER_SIGNATURE,
        /** The checkpoint names another log. */
        WRONG_ORIGIN,
        /** The proof does not start at the last checkpoint this witness cosigned, or the tree shrinks. */
        NOT_FROM_LAST_COSIGNED,
        /** The consistency proof does not verify: forged proof or rewritten history. */
        INCONSISTENT,
        /** The proof verifies but the root differs from this member's own copy of the log. */
        DIFFERS_FROM_OWN_LOG,
        /** The checkpoint covers entries this member has not applied. */
        AHEAD_OF_OWN_LOG
    }

    private final Reason reason;

    WitnessRefusedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
