package org.medshare.client.http;

/**
 * The service (or the identity provider) did not do what was asked: it refused the request with an
 * HTTP error status, answered something unreadable, or could not be reached. The message is one
 * line, safe for stderr: for an RFC 9457 problem it is {@code title: detail}; it never contains a
 * token, a password or record content.
 */
public final class ServiceException extends Exception {
    private static final long serialVersionUID = 1L;
    /** Status of a request that got no HTTP answer at all (connection refused, timeout). */
    public static final int UNREACHABLE = 0;

    private final int status;
    private final String problemType;

    public ServiceException(int status, String problemType, String message) {
        super(message, null, false, false);
        this.status = status;
        this.problemType = problemType;
    }

    /** The HTTP status, or {@link #UNREACHABLE}. */
    public int status() {
        return status;
    }

    /** The problem's {@code type} URI, or null when the answer was not problem+json. */
    public String problemType() {
        return problemType;
    }

    /**
     * True when repeating the same request later may succeed: no answer, 408, 429, 502, 503, 504, or a
     * 409 whose problem type says the same upload is still in progress.
     */
    public boolean retryable() {
        return status == UNREACHABLE
                || status == 408
                || status == 429
                || status == 502
                || status == 503
                || status == 504
                || (status == 409 && problemType != null && problemType.endsWith("/upload-in-progress"));
    }
}
