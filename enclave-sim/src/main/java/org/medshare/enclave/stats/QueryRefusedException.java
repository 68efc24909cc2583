package org.medshare.enclave.stats;

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

    public QueryRefusedException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
