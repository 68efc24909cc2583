package org.medshare.ledger.merkle;

import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * A Merkle proof did not verify. {@link #reason()} says why; for root mismatches the expected and
 * computed roots are available (they are public values, never secrets).
 */
public final class InvalidProofException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    /** Why a proof was refused. */
    public enum Reason {
        /** The index or sizes violate the function's preconditions (e.g. index >= size). */
        OUT_OF_RANGE,
        /** The proof has the wrong number of elements for the claimed sizes. */
        WRONG_PROOF_LENGTH,
        /** An element of the proof, or a leaf or root, has the wrong length. */
        MALFORMED_HASH,
        /** Recomputing from the proof gave a different root. */
        ROOT_MISMATCH
    }

    private final Reason reason;
    private final byte[] expected;
    private final byte[] computed;

    public InvalidProofException(Reason reason, String message) {
        this(reason, message, null, null);
    }

    public InvalidProofException(Reason reason, String message, byte[] expected, byte[] computed) {
        super(message + (expected == null ? "" : ": expected root " + hex(expected) + ", computed " + hex(computed)));
        this.reason = reason;
        this.expected = expected == null ? null : expected.clone();
        this.computed = computed == null ? null : computed.clone();
    }

    public Reason reason() {
        return reason;
    }

    /** The root the caller trusted, or null unless {@link Reason#ROOT_MISMATCH}. */
    public byte[] expectedRoot() {
        return expected == null ? null : expected.clone();
    }

    /** The root recomputed from the proof, or null unless {@link Reason#ROOT_MISMATCH}. */
    public byte[] computedRoot() {
        return computed == null ? null : computed.clone();
    }

    private static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }
}
