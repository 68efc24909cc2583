package org.medshare.service.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.oidc.OIDCException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.net.URI;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Narrow mappers, one per exception type, from failures to RFC 9457 problem+json.
 * None exposes an exception's class or message: the detail is written here, for the caller.
 * Unexpected exceptions are deliberately not mapped: Quarkus answers them with a bare 500
 * carrying only an error id, and logs the cause.
 */
public final class ProblemMappers {

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
        Response base = Problem.of("identity-provider-unavailable", "Identity provider unavailable",
                Response.Status.SERVICE_UNAVAILABLE,
                "Tokens cannot be verified right now because the identity provider does not answer; retry later.",
                path(uri)).toResponse();
        return Response.fromResponse(base).header(HttpHeaders.RETRY_AFTER, "30").build();
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return Problem.of("forbidden", "Forbidden", Response.Status.FORBIDDEN,
                "Your role does not allow this operation.", path(uri)).toResponse();
    }

    @ServerExceptionMapper
    public Response refused(RequestRefusedException e, UriInfo uri) {
        return e.toProblem(path(uri)).toResponse();
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        return Problem.of("malformed-json", "Malformed JSON", Response.Status.BAD_REQUEST,
                "The request body is not valid JSON for this endpoint" + where + ".", path(uri)).toResponse();
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

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        Response.StatusType status = e.getResponse().getStatusInfo();
        Response.Status known = Response.Status.fromStatusCode(status.getStatusCode());
        String title = known != null ? known.getReasonPhrase() : status.getReasonPhrase();
        return new Problem(URI.create(Problem.TYPE_BASE + "http-" + status.getStatusCode()),
                title, status.getStatusCode(), null, path(uri)).toResponse();
    }

    private static Response unauthenticated(String detail, UriInfo uri) {
        Response base = Problem.of("unauthenticated", "Authentication required", Response.Status.UNAUTHORIZED,
                detail, path(uri)).toResponse();
        return Response.fromResponse(base).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }

    private static String lastNode(String propertyPath) {
        int dot = propertyPath.lastIndexOf('.');
        return dot < 0 ? propertyPath : propertyPath.substring(dot + 1);
    }
}
