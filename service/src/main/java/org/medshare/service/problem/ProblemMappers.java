package org.medshare.service.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.core.multipart.MultipartParser;
import org.medshare.ledger.LedgerUnavailableException;
import org.medshare.ledger.LogOverloadedException;
import org.medshare.service.refusal.Refusal;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Narrow mappers, one per exception type, from failures to RFC 9457 problem+json.
 * None exposes an exception's class or message: the detail is written here, for the caller.
 * Unexpected exceptions are deliberately not mapped: Quarkus answers them with a bare 500
 * carrying only an error id, and logs the cause.
 */
public final class ProblemMappers {

    /** The methods each path serves, for the {@code Allow} header of a 405; absent when built outside CDI. */
    @Inject
    ResourceMethods resourceMethods;

    /** Seconds a client waits before retrying an append the ledger refused as overloaded. */
    static final String LEDGER_RETRY_AFTER_SECONDS = "1";
    /** A quorum of nodes being down (restarts, a network cut) takes longer to heal than a full queue. */
    static final String GROUP_RETRY_AFTER_SECONDS = "5";

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return unauthenticated("A valid bearer token is required.", uri);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return unauthenticated("The bearer token is missing, expired or not valid for this service.", uri);
    }

    @ServerExceptionMapper
    public Response identityProviderUnavailable(OIDCException e, UriInfo uri) {
        Response base = Problem.of(
                        "identity-provider-unavailable",
                        "Identity provider unavailable",
                        Response.Status.SERVICE_UNAVAILABLE,
                        "Tokens cannot be verified right now because the identity provider does not answer; retry later.",
                        path(uri))
                .toResponse();
        return Response.fromResponse(base).header(HttpHeaders.RETRY_AFTER, "30").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return Problem.of(
                        "forbidden",
                        "Forbidden",
                        Response.Status.FORBIDDEN,
                        "Your role does not allow this operation.",
                        path(uri))
                .toResponse();
    }

    @ServerExceptionMapper
    public Response refused(RequestRefusedException e, UriInfo uri) {
        return Problem.of(e.kind(), e.title(), status(e.refusal()), e.detail(), path(uri))
                .toResponse();
    }

    /**
     * The audit ledger's append queue is full: 503 with {@code Retry-After}, since the queue drains within a
     * checkpoint interval.
     */
    @ServerExceptionMapper
    public Response ledgerOverloaded(LogOverloadedException e, UriInfo uri) {
        return retryLater(
                "ledger-overloaded",
                "Ledger busy",
                "The audit ledger accepts no more events right now; retry after the time in Retry-After.",
                LEDGER_RETRY_AFTER_SECONDS,
                uri);
    }

    /**
     * The consortium's ledger group did not commit an event in time (no quorum of organisations' nodes answered):
     * 503 with {@code Retry-After}; the request was not acknowledged.
     */
    @ServerExceptionMapper
    public Response ledgerUnavailable(LedgerUnavailableException e, UriInfo uri) {
        return retryLater(
                "ledger-unavailable",
                "Ledger unavailable",
                "The consortium ledger did not record the event in time (too few organisations' nodes answered), so"
                        + " nothing was accepted; retry after the time in Retry-After.",
                GROUP_RETRY_AFTER_SECONDS,
                uri);
    }

    private static Response retryLater(String kind, String title, String detail, String seconds, UriInfo uri) {
        Response base = Problem.of(kind, title, Response.Status.SERVICE_UNAVAILABLE, detail, path(uri))
                .toResponse();
        return Response.fromResponse(base)
                .header(HttpHeaders.RETRY_AFTER, seconds)
                .build();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null
                ? ""
                : " at line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr();
        return Problem.of(
                        "malformed-json",
                        "Malformed JSON",
                        Response.Status.BAD_REQUEST,
                        "The request body is not valid JSON for this endpoint" + where + ".",
                        path(uri))
                .toResponse();
    }

    /**
     * Valid JSON of the wrong shape (a wrong type, an unknown field, a missing creator property). Without this
     * mapper Quarkus's own answers with a non-problem JSON body.
     */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        String field = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return Problem.of(
                        "malformed-json",
                        "Malformed JSON",
                        Response.Status.BAD_REQUEST,
                        "The request body does not have the fields and types this endpoint expects"
                                + (field.isEmpty() ? "" : " (at '" + field + "')") + ".",
                        path(uri))
                .toResponse();
    }

    /**
     * A request body that cannot be read, such as a multipart body cut short or not matching its boundary. The
     * resources throw no checked {@link IOException} of their own, so one that reaches here comes from reading
     * the request.
     */
    @ServerExceptionMapper
    public Response unreadableBody(IOException e, UriInfo uri) {
        return Problem.of(
                        "unreadable-body",
                        "Unreadable request body",
                        Response.Status.BAD_REQUEST,
                        "The request body could not be read as the declared content type.",
                        path(uri))
                .toResponse();
    }

    /**
     * A multipart body whose part headers the framework's parser cannot read (a header line without a colon, an
     * unknown transfer encoding). It is an unchecked exception of the parser, not an {@link IOException}.
     */
    @ServerExceptionMapper
    public Response malformedMultipart(MultipartParser.MalformedMessageException e, UriInfo uri) {
        return Problem.of(
                        "unreadable-body",
                        "Unreadable request body",
                        Response.Status.BAD_REQUEST,
                        "The request body is not a well-formed multipart/form-data body.",
                        path(uri))
                .toResponse();
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        String fields = e.getConstraintViolations().stream()
                .map(v -> lastNode(v.getPropertyPath().toString()) + ": " + v.getMessage())
                .sorted()
                .collect(Collectors.joining("; "));
        return Problem.of("invalid-request", "Invalid request", Response.Status.BAD_REQUEST, fields, path(uri))
                .toResponse();
    }

    /**
     * Refusals raised by the REST framework itself. A body it could not parse as JSON becomes malformed-json; a
     * path or query parameter it could not convert (which JAX-RS reports as 404 or 400 with the conversion
     * failure as cause) becomes 400 invalid-parameter; every other status keeps its code with a fixed detail.
     */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        int code = e.getResponse().getStatus();
        if (e.getCause() != null && (code == 400 || code == 404)) {
            return Problem.of(
                            "invalid-parameter",
                            "Invalid parameter",
                            Response.Status.BAD_REQUEST,
                            "A path or query parameter does not have the type this endpoint expects.",
                            path(uri))
                    .toResponse();
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        Response.Status known = Response.Status.fromStatusCode(code);
        String title = known != null ? known.getReasonPhrase() : status.getReasonPhrase();
        Response answer = new Problem(
                        URI.create(Problem.TYPE_BASE + "http-" + code), title, code, detailFor(code), path(uri))
                .toResponse();
        if (code == 405 && resourceMethods != null && uri != null) {
            return Response.fromResponse(answer)
                    .header(HttpHeaders.ALLOW, resourceMethods.allowHeader(path(uri)))
                    .build();
        }
        return answer;
    }

    /** The HTTP status of each kind of refusal. */
    static int status(Refusal refusal) {
        return switch (refusal) {
            case INVALID -> 400;
            case FORBIDDEN -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case STORAGE_EXHAUSTED -> 507;
            case UNAVAILABLE -> 503;
        };
    }

    private static String detailFor(int status) {
        return switch (status) {
            case 400 -> "The request is malformed.";
            case 404 -> "There is no resource at this path.";
            case 405 -> "This path does not support the request's method.";
            case 406 -> "This resource cannot answer in the media type the request accepts.";
            case 413 -> "The request or one of its parts is larger than this service accepts.";
            case 415 -> "This endpoint does not accept the request's content type.";
            default -> "The request was refused.";
        };
    }

    private static Response unauthenticated(String detail, UriInfo uri) {
        Response base = Problem.of(
                        "unauthenticated", "Authentication required", Response.Status.UNAUTHORIZED, detail, path(uri))
                .toResponse();
        return Response.fromResponse(base)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
