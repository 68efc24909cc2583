package org.medshare.service.problem;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document states the refusals each operation can answer (problem+json with the Problem schema), the
 * JSON bodies of query and template submissions as objects, and which fields may be null.
 */
@QuarkusTest
class OpenApiContractTest {

    private JsonNode document;

    @BeforeEach
    void load() throws Exception {
        document = new ObjectMapper()
                .readTree(given().queryParam("format", "json")
                        .get("/q/openapi")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString());
    }

    @Test
    void everyOperationDocumentsItsRefusalsAsProblems() {
        List<String> missing = new ArrayList<>();
        int operations = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths =
                        document.path("paths").fields();
                paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            if (!path.getKey().startsWith("/api/")) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                Map.Entry<String, JsonNode> op = ops.next();
                if (!Set.of("get", "post", "put", "delete").contains(op.getKey())) {
                    continue;
                }
                operations++;
                String name = op.getKey().toUpperCase() + " " + path.getKey();
                List<String> expected = new ArrayList<>(List.of("401", "403", "406", "414", "431", "503"));
                if (path.getKey().contains("{")) {
                    expected.add("404");
                }
                if (op.getValue().has("requestBody")) {
                    expected.addAll(List.of("400", "413", "415"));
                }
                if (op.getValue().has("parameters")) {
                    expected.add("400");
                }
                if (!op.getKey().equals("get")) {
                    expected.addAll(List.of("404", "409"));
                }
                for (String status : expected) {
                    JsonNode schema = op.getValue()
                            .path("responses")
                            .path(status)
                            .path("content")
                            .path(Problem.MEDIA_TYPE);
                    if (!schema.path("schema").path("$ref").asText().equals("#/components/schemas/Problem")) {
                        missing.add(name + " " + status);
                    }
                }
            }
        }
        assertTrue(operations >= 40, "operations seen: " + operations);
        assertEquals(List.of(), missing, "refusals an operation can answer but does not document");
        JsonNode problem = document.path("components").path("schemas").path("Problem");
        assertEquals(List.of("type", "title", "status"), textList(problem.path("required")));
        assertEquals(false, problem.path("additionalProperties").asBoolean(true));
    }

    /** A deliberately wrong fixture: a status no operation documents is recognised as undocumented. */
    @Test
    void anUndocumentedStatusIsRecognised() {
        JsonNode responses =
                document.path("paths").path("/api/v1/records").path("post").path("responses");
        assertTrue(responses.has("400") && responses.has("507"), responses.toString());
        assertTrue(!responses.has("418") && !responses.has("500"), "the document promises no 418 or 500");
    }

    /**
     * The committed copy from which the build generates the Java client is the document the service serves. When
     * it is not, the served one is written to {@code target/openapi-served.json}: review the difference and copy it
     * over {@code src/test/openapi/medshare-api.json}.
     */
    @Test
    void theClientIsGeneratedFromTheServedDocument() throws Exception {
        Path committed = Path.of("src", "test", "openapi", "medshare-api.json");
        JsonNode copy = new ObjectMapper().readTree(Files.readString(committed));
        if (!copy.equals(document)) {
            Path served = Path.of("target", "openapi-served.json");
            Files.writeString(
                    served, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(document));
            fail(committed + " is not the served document; the served one is in " + served);
        }
    }

    @Test
    void listOperationsDocumentTheirPagingHeaders() {
        List<String> unpaged = new ArrayList<>();
        document.path("paths").fields().forEachRemaining(path -> {
            JsonNode get = path.getValue().path("get");
            boolean paged = false;
            for (JsonNode parameter : get.path("parameters")) {
                paged |= Set.of("limit", "_count")
                        .contains(parameter.path("name").asText());
            }
            JsonNode headers = get.path("responses").path("200").path("headers");
            if (paged && !(headers.has("Link") && headers.has("X-Next-From"))) {
                unpaged.add(path.getKey());
            }
        });
        assertEquals(List.of(), unpaged, "list operations without Link and X-Next-From on their 200");
    }

    @Test
    void objectSchemasAdmitNoUnlistedProperties() {
        List<String> open = new ArrayList<>();
        document.path("components").path("schemas").fields().forEachRemaining(schema -> {
            if (schema.getValue().has("properties")
                    && schema.getValue().path("additionalProperties").asBoolean(true)) {
                open.add(schema.getKey());
            }
        });
        assertEquals(
                List.of("FhirBundle", "FhirConsent"),
                open,
                "object schemas that admit properties they do not list: only the FHIR resources, which FHIR defines");
    }

    @Test
    void queryAndTemplateBodiesAreObjects() {
        for (String path : List.of("/api/v1/queries", "/api/v1/templates")) {
            JsonNode schema = document.path("paths")
                    .path(path)
                    .path("post")
                    .path("requestBody")
                    .path("content")
                    .path("application/json")
                    .path("schema");
            assertTrue(types(schema).contains("object"), path + ": " + schema);
            assertTrue(
                    document.path("paths")
                            .path(path)
                            .path("post")
                            .path("responses")
                            .has("201"),
                    path);
        }
    }

    @Test
    void fieldsThatMayBeNullSaySo() {
        JsonNode schemas = document.path("components").path("schemas");
        for (String[] field : List.of(
                new String[] {"QueryView", "reason"},
                new String[] {"QueryView", "result"},
                new String[] {"QueryView", "signedResult"},
                new String[] {"SigningKey", "revokedAt"},
                new String[] {"ScrubSummary", "failure"},
                new String[] {"EnclaveView", "pid"})) {
            JsonNode property = schemas.path(field[0]).path("properties").path(field[1]);
            assertTrue(
                    property.path("nullable").asBoolean(false)
                            || types(property).contains("null")
                            || property.path("anyOf").findValuesAsText("type").contains("null"),
                    field[0] + "." + field[1] + ": " + property);
        }
    }

    private static List<String> types(JsonNode schema) {
        JsonNode type = schema.path("type");
        return type.isArray() ? textList(type) : List.of(type.asText());
    }

    private static List<String> textList(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
