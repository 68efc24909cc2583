package org.medshare.service.refusal;

/**
 * A request the service refuses for a reason the caller can act on. Its detail is written for the caller
 * and must never carry record content, keys or tokens. Thrown before anything is written, so a refused
 * request changes nothing.
 */
public final class RequestRefusedException extends RuntimeException {

    private final Refusal refusal;
    private final String kind;
    private final String title;
    private final String detail;

    /**
     * @param refusal why, in the service's terms
     * @param kind    a stable lower-case name of this refusal (the last part of its problem type)
     * @param title   short summary of the kind
     * @param detail  what happened this time and what to do, for the caller
     */
    public RequestRefusedException(Refusal refusal, String kind, String title, String detail) {
        super(kind, null, false, false);
        this.refusal = refusal;
        this.kind = kind;
        this.title = title;
        this.detail = detail;
    }

    public static RequestRefusedException invalid(String kind, String title, String detail) {
        return new RequestRefusedException(Refusal.INVALID, kind, title, detail);
    }

    public static RequestRefusedException notFound(String what) {
        return new RequestRefusedException(
                Refusal.NOT_FOUND, "not-found", "Not Found", what + " does not exist or is not visible to you.");
    }

    public static RequestRefusedException conflict(String kind, String title, String detail) {
        return new RequestRefusedException(Refusal.CONFLICT, kind, title, detail);
    }

    public static RequestRefusedException forbidden(String kind, String detail) {
        return new RequestRefusedException(Refusal.FORBIDDEN, kind, "Forbidden", detail);
    }

    public static RequestRefusedException tooLarge(String kind, String title, String detail) {
        return new RequestRefusedException(Refusal.TOO_LARGE, kind, title, detail);
    }

    public Refusal refusal() {
        return refusal;
    }

    public String kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return detail;
    }
}
