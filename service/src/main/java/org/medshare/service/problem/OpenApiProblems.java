package org.medshare.service.problem;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 *   <li>{@code POST /api/v1/records}: 507 (storage exhausted); {@code GET /api/v1/audit/checkpoint} and
 *       {@code GET /api/v1/audit/proofs/inclusion}: 404 (no checkpoint, or none covering the entry, yet); {@code GET
 *       /api/v1/queries/{queryId}/approval-terms}: 409 (the query was decided).
 * </ul>
 *
 * A list operation (one with a {@code limit} or {@code _count} parameter) documents the paging headers of its 200
 * answer, {@code Link} and {@code X-Next-From} ({@link org.medshare.service.rest.Paging}).
 *
 * A refusal an operation already documents (such as the 400 of bean validation) keeps its description and gets the
 * problem+json content. The 405 of a method a path does not serve is not
 * an operation's answer and is documented by {@code OPTIONS} and the {@code Allow} header.
 *
 * <p>It also makes the object schemas as strict as the service: no object schema admits properties it does not list
 * ({@code additionalProperties: false}: request bodies refuse unknown properties, answers carry none), and an object
 * that only appears in answers requires every property it lists, since every field is written, {@code null} included
 * where the property says {@code nullable}. Objects that appear in request bodies keep the required properties
 * their annotations name. A schema that admits further properties explicitly (a FHIR resource, which FHIR defines
 * rather than this contract: {@link org.medshare.service.fhir.FhirSchemas}) stays open.
 */
public class OpenApiProblems implements OASFilter {

    /** The name of the problem schema under {@code components/schemas}. */
    public static final String SCHEMA = "Problem";

    private static final String COMPONENT_PREFIX = "#/components/schemas/";

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
        strictObjects(openAPI);
    }

    private static void strictObjects(OpenAPI openAPI) {
        Map<String, Schema> schemas = openAPI.getComponents().getSchemas();
        Set<String> inRequests = new TreeSet<>();
        openAPI.getPaths()
                .getPathItems()
                .values()
                .forEach(item -> item.getOperations().values().forEach(operation -> {
                    if (operation.getRequestBody() != null
                            && operation.getRequestBody().getContent() != null) {
                        operation
                                .getRequestBody()
                                .getContent()
                                .getMediaTypes()
                                .values()
                                .forEach(media -> collectRefs(media.getSchema(), schemas, inRequests));
                    }
                }));
        schemas.forEach((name, schema) -> {
            if (schema.getProperties() == null
                    || schema.getProperties().isEmpty()
                    || Boolean.TRUE.equals(schema.getAdditionalPropertiesBoolean())) {
                return;
            }
            schema.setAdditionalPropertiesBoolean(false);
            if (!inRequests.contains(name) && !name.equals(SCHEMA)) {
                schema.setRequired(new ArrayList<>(schema.getProperties().keySet()));
            }
        });
        schemas.values().forEach(schema -> {
            if (schema.getProperties() != null) {
                new ArrayList<>(schema.getProperties().entrySet()).forEach(property -> {
                    Schema inline = nullableCopy(property.getValue(), schemas);
                    if (inline != null) {
                        schema.addProperty(property.getKey(), inline);
                    }
                });
            }
        });
    }

    /**
     * A property that may be null and otherwise refers to one component (OpenAPI 3.0 writes it as {@code allOf} with
     * {@code nullable}, which response validators apply as "the component, and null is not the component") becomes
     * a copy of the component that also admits null; null if {@code property} is not such a property.
     */
    private static Schema nullableCopy(Schema property, Map<String, Schema> schemas) {
        List<Schema> alternatives = new ArrayList<>();
        for (List<Schema> list : Arrays.asList(property.getAllOf(), property.getAnyOf(), property.getOneOf())) {
            if (list != null) {
                alternatives.addAll(list);
            }
        }
        List<Schema> refs =
                alternatives.stream().filter(a -> a.getRef() != null).toList();
        boolean nullAlternative = alternatives.stream().anyMatch(OpenApiProblems::onlyNull);
        boolean nullable = nullAlternative
                || (property.getType() != null && property.getType().contains(Schema.SchemaType.NULL));
        if (refs.size() != 1 || !nullable || alternatives.size() != refs.size() + (nullAlternative ? 1 : 0)) {
            return null;
        }
        String ref = refs.get(0).getRef();
        Schema target = ref.startsWith(COMPONENT_PREFIX) ? schemas.get(ref.substring(COMPONENT_PREFIX.length())) : null;
        if (target == null || target.getType() == null) {
            return null;
        }
        List<Schema.SchemaType> types = new ArrayList<>(target.getType());
        types.add(Schema.SchemaType.NULL);
        Schema copy = OASFactory.createSchema()
                .type(types)
                .format(target.getFormat())
                .description(property.getDescription() != null ? property.getDescription() : target.getDescription())
                .items(target.getItems())
                .enumeration(target.getEnumeration())
                .additionalPropertiesBoolean(target.getAdditionalPropertiesBoolean());
        if (target.getProperties() != null) {
            copy.setProperties(new LinkedHashMap<>(target.getProperties()));
        }
        if (target.getRequired() != null) {
            copy.setRequired(new ArrayList<>(target.getRequired()));
        }
        return copy;
    }

    private static boolean onlyNull(Schema schema) {
        return schema.getRef() == null
                && schema.getType() != null
                && schema.getType().equals(List.of(Schema.SchemaType.NULL));
    }

    /** Adds the component names {@code schema} refers to, directly or through other components, to {@code out}. */
    private static void collectRefs(Schema schema, Map<String, Schema> schemas, Set<String> out) {
        if (schema == null) {
            return;
        }
        String ref = schema.getRef();
        if (ref != null && ref.startsWith(COMPONENT_PREFIX)) {
            String name = ref.substring(COMPONENT_PREFIX.length());
            if (out.add(name)) {
                collectRefs(schemas.get(name), schemas, out);
            }
        }
        if (schema.getProperties() != null) {
            schema.getProperties().values().forEach(p -> collectRefs(p, schemas, out));
        }
        collectRefs(schema.getItems(), schemas, out);
        if (schema.getAdditionalPropertiesSchema() != null) {
            collectRefs(schema.getAdditionalPropertiesSchema(), schemas, out);
        }
        for (List<Schema> alternatives : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
            if (alternatives != null) {
                alternatives.forEach(a -> collectRefs(a, schemas, out));
            }
        }
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
        if (method == PathItem.HttpMethod.GET && path.equals("/api/v1/audit/checkpoint")) {
            statuses.put("404", "No checkpoint has been signed yet");
        }
        if (method == PathItem.HttpMethod.GET && path.equals("/api/v1/disclosure-limits")) {
            statuses.put("404", "Your organisation has set no disclosure limits of its own");
        }
        if (method == PathItem.HttpMethod.GET && path.equals("/api/v1/queries/{queryId}/approval-terms")) {
            statuses.put("409", "The query has been decided: there is nothing left to approve");
        }
        if (method == PathItem.HttpMethod.GET && path.equals("/api/v1/audit/proofs/inclusion")) {
            statuses.put("404", "No such entry, or no checkpoint covers it yet");
        }
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        APIResponse ok = responses.getAPIResponse("200");
        if (method == PathItem.HttpMethod.GET && ok != null && isPaged(operation)) {
            ok.addHeader(
                    "Link",
                    OASFactory.createHeader()
                            .description("<next page URL>; rel=\"next\" (RFC 8288) when more items may follow; "
                                    + "absent on the last page")
                            .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
            ok.addHeader(
                    "X-Next-From",
                    OASFactory.createHeader()
                            .description("The start parameter's value for the next page, with Link")
                            .schema(OASFactory.createSchema()
                                    .addType(Schema.SchemaType.INTEGER)
                                    .format("int64")
                                    .minimum(BigDecimal.ZERO)));
        }
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

    /** A list operation: it takes a page size ({@code limit}, or FHIR's {@code _count}). */
    private static boolean isPaged(Operation operation) {
        return operation.getParameters() != null
                && operation.getParameters().stream()
                        .anyMatch(
                                p -> p.getName().equals("limit") || p.getName().equals("_count"));
    }

    private static boolean hasParameters(PathItem item, Operation operation) {
        return nonEmpty(item.getParameters()) || nonEmpty(operation.getParameters());
    }

    private static boolean nonEmpty(List<Parameter> parameters) {
        return parameters != null && !parameters.isEmpty();
    }

    private static Content problemContent() {
        MediaType problem =
                OASFactory.createMediaType().schema(OASFactory.createSchema().ref(COMPONENT_PREFIX + SCHEMA));
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
