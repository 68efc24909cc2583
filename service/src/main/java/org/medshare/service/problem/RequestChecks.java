package org.medshare.service.problem;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Request checks the REST framework does not make itself.
 *
 * <ul>
 *   <li>{@code OPTIONS} is answered from {@link ResourceMethods}: 204 with an {@code Allow} header naming exactly
 *       the methods the path serves, or 404 problem+json for a path no resource serves.
 *   <li>Query parameters: every endpoint takes each of its query parameters at most once, so a repeated one is
 *       refused (400 {@code repeated-parameter}) rather than silently reduced to its first value; a numeric
 *       parameter given with an empty value is refused (400 {@code invalid-parameter}) rather than taken as its
 *       default; a primitive numeric parameter without a default is required (400 {@code missing-parameter})
 *       rather than taken as zero (a boxed one, {@code Long} or {@code Integer}, is optional and null when absent).
 * </ul>
 */
public class RequestChecks {

    private final ResourceMethods methods;

    @Inject
    RequestChecks(ResourceMethods methods) {
        this.methods = methods;
    }

    @ServerRequestFilter(preMatching = true)
    public Response options(ContainerRequestContext request) {
        if (!HttpMethod.OPTIONS.equals(request.getMethod())) {
            return null;
        }
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        Set<String> allowed = methods.allowed(path);
        if (allowed.isEmpty()) {
            return Problem.of(
                            "http-404",
                            "Not Found",
                            Response.Status.NOT_FOUND,
                            "There is no resource at this path.",
                            path)
                    .toResponse();
        }
        return Response.noContent()
                .header(HttpHeaders.ALLOW, String.join(", ", allowed))
                .build();
    }

    @ServerRequestFilter
    public Response queryParameters(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource.getResourceMethod();
        if (method == null) {
            return null;
        }
        Map<String, List<String>> given = request.getUriInfo().getQueryParameters();
        String path = "/" + request.getUriInfo().getPath().replaceFirst("^/", "");
        for (Parameter p : method.getParameters()) {
            QueryParam query = p.getAnnotation(QueryParam.class);
            if (query == null) {
                continue;
            }
            String name = query.value();
            List<String> values = given.get(name);
            if (values != null && values.size() > 1) {
                return refusal(
                        "repeated-parameter",
                        "Repeated parameter",
                        "The query parameter '" + name + "' is given more than once; give it once.",
                        path);
            }
            if (!isNumeric(p.getType())) {
                continue;
            }
            if (values != null && values.get(0).isEmpty()) {
                return refusal(
                        "invalid-parameter",
                        "Invalid parameter",
                        "The query parameter '" + name + "' is empty; it takes an integer.",
                        path);
            }
            if (values == null && p.getType().isPrimitive() && p.getAnnotation(DefaultValue.class) == null) {
                return refusal(
                        "missing-parameter",
                        "Missing parameter",
                        "The query parameter '" + name + "' is required.",
                        path);
            }
        }
        return null;
    }

    private static boolean isNumeric(Class<?> type) {
        return type == int.class
                || type == long.class
                || type == Integer.class
                || type == Long.class
                || Number.class.isAssignableFrom(type);
    }

    private static Response refusal(String kind, String title, String detail, String path) {
        return Problem.of(kind, title, Response.Status.BAD_REQUEST, detail, path)
                .toResponse();
    }
}
