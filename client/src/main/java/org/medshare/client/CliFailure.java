package org.medshare.client;

/**
 * A command failure with its exit status and a one-line, secret-free reason for stderr. Use
 * {@link #usage} for bad input from the user (exit 2) and {@link #verification} for a failed
 * cryptographic or verification check (exit 1).
 */
public final class CliFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int exitCode;

    private CliFailure(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    public static CliFailure usage(String message) {
        return new CliFailure(message, Medshare.EXIT_USAGE);
    }

    public static CliFailure verification(String message) {
        return new CliFailure(message, Medshare.EXIT_VERIFICATION);
    }

    public int exitCode() {
        return exitCode;
    }
}
