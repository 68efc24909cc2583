package org.medshare.service.refusal;

/**
 * Why the service refuses a request, in its own terms. The REST layer's problem mapping gives each its HTTP status;
 * nothing here knows HTTP.
 */
public enum Refusal {
    /** The request is malformed or breaks a rule the caller can fix. */
    INVALID,
    /** The caller may not do this, whatever it sends. */
    FORBIDDEN,
    /** What the request names does not exist, or is not visible to the caller. */
    NOT_FOUND,
    /** The request collides with the current state (already decided, already taken, in progress, exhausted). */
    CONFLICT,
    /** The request or one of its parts is larger than the service accepts. */
    TOO_LARGE,
    /** The caller's organisation has no storage left for it. */
    STORAGE_EXHAUSTED,
    /** Something the request needs (such as enough organisations' storage) does not answer now; retry later. */
    UNAVAILABLE
}
