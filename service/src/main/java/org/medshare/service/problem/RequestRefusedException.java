package org.medshare.service.problem;

import jakarta.ws.rs.core.Response;

/**
 * A request the service refuses for a reason the caller can act on. Its detail is written for the caller
 * and must never carry record content, keys or tokens. Thrown before anything is written, so a refused
 * request changes nothing.
 */
public final class RequestRefusedException extends RuntimeException {

    private final String kind;
    private final String title;
    private final Response.Status status;
    private final String detail;

    public RequestRefusedException(Response.Status status, String kind, String title, String detail) {
        super(kind, null, false, false);
        this.kind = kind;
        this.title = title;
        this.status = status;
        this.detail = detail;
    }

    public static RequestRefusedException badRequest(String kind, String title, String detail) {
        return new RequestRefusedException(Response.Status.BAD_REQUEST, kind, title, detail);
    }

    public static RequestRefusedException notFound(String what) {
        return new RequestRefusedException(Response.Status.NOT_FOUND, "not-found", "Not Found",
                what + " does not exist or is not visible to you.");
    }

    public static RequestRefusedException conflict(String kind, String title, String detail) {
        return new RequestRefusedException(Response.Status.CONFLICT, kind, title, detail);
    }

    public static RequestRefusedException forbidden(String kind, String detail) {
        return new RequestRefusedException(Response.Status.FORBIDDEN, kind, "Forbidden", detail);
    }

    public Problem toProblem(String instance) {
        return Problem.of(kind, title, status, detail, instance);
    }

    public String kind() {
        return kind;
    }
}
