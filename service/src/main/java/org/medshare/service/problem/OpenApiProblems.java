package org.medshare.service.problem;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.MediaType;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * Completes the generated OpenAPI document with the refusals every operation can answer, each as
 * {@code application/problem+json} with the {@code Problem} schema (RFC 9457 §3):
 *
 * <ul>
 *   <li>every {@code /api/} operation: 401 (no or bad token), 403 (role or organisation), 406 (unacceptable
 *       {@code Accept}), 414 and 431 (request target or headers too large, {@link HttpLimits}) and 503 (identity
 *       provider or ledger unavailable, with {@code Retry-After});
 *   <li>an operation with parameters or a request body: 400; with a path parameter: 404;
 *   <li>an operation with a request body: 413 and 415;
 *   <li>an operation that changes state ({@code POST}, {@code PUT}, {@code DELETE}): 404 and 409 (it refers to
 *       something that may not exist or conflicts with its state);
 *   <li>{@code POST /api/v1/records}: 507 (storage exhausted).
 * </ul>
 *
 * A refusal an operation already documents (such as the 400 of bean validation) keeps its description and gets the
 * problem+json content. The 405 of a method a path does not serve is not
 * an operation's answer and is documented by {@code OPTIONS} and the {@code Allow} header.
 */
public class OpenApiProblems implements OASFilter {

    /** The name of the problem schema under {@code components/schemas}. */
    public static final String SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getComponents() == null) {
            openAPI.setComponents(OASFactory.createComponents());
        }
        openAPI.getComponents().addSchema(SCHEMA, problemSchema());
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith("/api/")) {
                item.getOperations().forEach((method, operation) -> document(path, item, method, operation));
            }
        });
    }

    private static void document(String path, PathItem item, PathItem.HttpMethod method, Operation operation) {
        Map<String, String> statuses = new TreeMap<>();
        statuses.put("401", "Unauthenticated: no bearer token, or one that is expired or not for this service");
        statuses.put("403", "Forbidden: the caller's role or organisation does not allow this");
        statuses.put("406", "The resource cannot answer in a media type the request accepts");
        statuses.put("414", "The request target is too long");
        statuses.put("431", "The request headers are too large");
        statuses.put("503", "The identity provider or the audit ledger cannot serve the request now (Retry-After)");
        boolean hasBody = operation.getRequestBody() != null;
        boolean hasParameters = hasParameters(item, operation);
        if (hasParameters || hasBody) {
            statuses.put("400", "Bad input: a parameter or the body is malformed or not acceptable");
        }
        if (path.contains("{")) {
            statuses.put("404", "No such resource visible to the caller");
        }
        if (hasBody) {
            statuses.put("413", "The request body or one of its parts is too large");
            statuses.put("415", "The request's content type is not accepted");
        }
        if (method == PathItem.HttpMethod.POST
                || method == PathItem.HttpMethod.PUT
                || method == PathItem.HttpMethod.DELETE) {
            statuses.put("404", "Something the request names does not exist or is not visible to the caller");
            statuses.put("409", "The request conflicts with the current state");
        }
        if (method == PathItem.HttpMethod.POST && path.equals("/api/v1/records")) {
            statuses.put("507", "The storage nodes cannot hold the record");
        }
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        statuses.forEach((status, description) -> {
            APIResponse documented = responses.getAPIResponse(status);
            if (documented == null) {
                responses.addAPIResponse(
                        status,
                        OASFactory.createAPIResponse().description(description).content(problemContent()));
            } else {
                documented.setContent(problemContent());
            }
        });
    }

    private static boolean hasParameters(PathItem item, Operation operation) {
        return nonEmpty(item.getParameters()) || nonEmpty(operation.getParameters());
    }

    private static boolean nonEmpty(List<Parameter> parameters) {
        return parameters != null && !parameters.isEmpty();
    }

    private static Content problemContent() {
        MediaType problem =
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref("#/components/schemas/" + SCHEMA));
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, problem);
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .addType(Schema.SchemaType.OBJECT)
                .description("An RFC 9457 problem detail; never an exception's class, message or stack trace")
                .addRequired("type")
                .addRequired("title")
                .addRequired("status")
                .additionalPropertiesBoolean(false)
                .addProperty(
                        "type",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.STRING)
                                .format("uri")
                                .pattern("^" + Problem.TYPE_BASE.replace(".", "\\.") + "[a-z0-9-]+$")
                                .description("The kind of problem"))
                .addProperty(
                        "title",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.STRING)
                                .description("Short summary"))
                .addProperty(
                        "status",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.INTEGER)
                                .minimum(BigDecimal.valueOf(400))
                                .maximum(BigDecimal.valueOf(599)))
                .addProperty(
                        "detail",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.STRING)
                                .description("What went wrong in this occurrence, for the caller"))
                .addProperty(
                        "instance",
                        OASFactory.createSchema()
                                .addType(Schema.SchemaType.STRING)
                                .description("The request path"));
    }
}
