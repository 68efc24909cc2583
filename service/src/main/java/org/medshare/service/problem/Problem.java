package org.medshare.service.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.Response;
import java.net.URI;

/**
 * An RFC 9457 problem detail. Carries only text written for the caller: never an
 * exception class, message, stack trace or any record content.
 *
 * @param type     URI naming the kind of problem (RFC 9457 §3.1.1), under {@link #TYPE_BASE}
 * @param title    short, human-readable summary of the kind of problem
 * @param status   the HTTP status code
 * @param detail   explanation specific to this occurrence, safe to show the caller; may be null
 * @param instance the request path the problem occurred on; may be null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(URI type, String title, int status, String detail, String instance) {

    /** Media type of every error response (RFC 9457 §3). */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** Base of the problem type URIs; each kind is documented in the OpenAPI description. */
    public static final String TYPE_BASE = "https://medshare.example/problems/";

    public static Problem of(String kind, String title, Response.Status status, String detail, String instance) {
        return of(kind, title, status.getStatusCode(), detail, instance);
    }

    public static Problem of(String kind, String title, int status, String detail, String instance) {
        return new Problem(URI.create(TYPE_BASE + kind), title, status, detail, instance);
    }

    /** The JAX-RS response carrying this problem with the problem+json media type. */
    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
