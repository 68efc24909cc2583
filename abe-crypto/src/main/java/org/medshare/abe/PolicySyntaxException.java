package org.medshare.abe;

/**
 * A policy expression that does not follow the grammar of {@link Policy}. Carries the zero-based
 * character position at which the parser gave up, so a user can be pointed at the mistake.
 */
public final class PolicySyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final int position;

    PolicySyntaxException(String reason, int position) {
        super(reason + " at position " + position);
        this.position = position;
    }

    /** Zero-based index into the expression where the error was detected. */
    public int position() {
        return position;
    }
}
