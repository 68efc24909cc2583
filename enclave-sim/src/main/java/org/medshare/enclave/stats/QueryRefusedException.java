package org.medshare.enclave.stats;

import java.util.OptionalInt;

/**
 * A query, template or request was refused; {@link #reason()} is machine-readable and the message
 * says what to change. Nothing was decrypted, spent or recorded when this is thrown, except where
 * {@link Reason} says otherwise.
 */
public final class QueryRefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a query was refused. */
    public enum Reason {
        /** JSON is not well formed, a field has the wrong type, or a required field is missing. */
        MALFORMED,
        /** A field that the schema does not define. */
        UNKNOWN_FIELD,
        /** The template is not in the registry (or not in that version). */
        UNKNOWN_TEMPLATE,
        /** The template exists but is not approved by the regulator (pending, rejected or withdrawn). */
        TEMPLATE_NOT_APPROVED,
        /** A template violates the engine's rules (e.g. minimum group size below the engine's). */
        TEMPLATE_INVALID,
        /** A parameter is missing, undeclared, of the wrong type or outside its declared bounds. */
        PARAMETER_INVALID,
        /** The request's purpose is not the template's purpose. */
        PURPOSE_MISMATCH,
        /** ε is NaN, infinite, not positive, above the template's maximum, or missing when required. */
        EPSILON_INVALID,
        /** The insurer's privacy budget cannot pay for the query; nothing was spent. */
        BUDGET_EXHAUSTED,
        /** The input records are malformed or not authentic (chunk authentication failed). */
        INPUT_INVALID,
        /**
         * A hospital whose records the query would use does not allow it: ε above that hospital's maximum, no noise
         * where the hospital requires it, or an aggregate or disclosed field the hospital does not allow; nothing was
         * decrypted or spent.
         */
        HOSPITAL_LIMIT
    }

    private final Reason reason;
    private final int hospital;
    private final String detail;

    public QueryRefusedException(Reason reason, String message) {
        this(reason, -1, message);
    }

    /**
     * A refusal on account of one hospital ({@link Reason#HOSPITAL_LIMIT}); the message is {@code "hospital N "}
     * followed by {@code detail}.
     *
     * @param hospital the hospital's number, 0..16383
     * @param detail   what the hospital does not allow, e.g. {@code "requires differential privacy"}
     */
    public QueryRefusedException(Reason reason, int hospital, String detail) {
        super(reason + ": " + (hospital < 0 ? "" : "hospital " + hospital + " ") + detail);
        this.reason = reason;
        this.hospital = hospital;
        this.detail = detail;
    }

    public Reason reason() {
        return reason;
    }

    /** The number of the hospital whose limits refused the query, if one did. */
    public OptionalInt hospital() {
        return hospital < 0 ? OptionalInt.empty() : OptionalInt.of(hospital);
    }

    /** The message without the reason and the hospital. */
    public String detail() {
        return detail;
    }
}
