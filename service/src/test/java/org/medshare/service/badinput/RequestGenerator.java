package org.medshare.service.badinput;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Requests for one operation of the OpenAPI document, generated from its parameters and request body schema with a
 * seeded {@link Random}: {@link #valid()} fills every required parameter and property (and some optional ones) with
 * values the schema allows, identifiers drawn from the fixture's real ones or made up; {@link #mutated()} applies one
 * mutation that the schema forbids.
 */
final class RequestGenerator {

    /** One generated request; {@code body} and {@code contentType} are null for a request without a body. */
    record Generated(String description, String pathAndQuery, String contentType, byte[] body) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_";

    private final JsonNode document;
    private final String path;
    private final Fixture fixture;
    private final Random random;
    private final List<JsonNode> parameters = new ArrayList<>();
    private final JsonNode jsonBody;
    private final boolean multipart;

    RequestGenerator(
            JsonNode document, String path, String method, JsonNode operation, Fixture fixture, Random random) {
        this.document = document;
        this.path = path;
        this.fixture = fixture;
        this.random = random;
        operation.path("parameters").forEach(parameters::add);
        JsonNode content = operation.path("requestBody").path("content");
        this.jsonBody = content.has("application/json")
                ? resolve(content.path("application/json").path("schema"))
                : null;
        this.multipart = content.has("multipart/form-data");
    }

    Generated valid() {
        Map<String, String> query = new LinkedHashMap<>();
        for (JsonNode p : parameters) {
            if (p.path("in").asText().equals("query") && (p.path("required").asBoolean() || random.nextBoolean())) {
                query.put(p.path("name").asText(), value(p.path("name").asText(), resolve(p.path("schema"))));
            }
        }
        String target = withPathParameters(null, null) + queryString(query);
        if (jsonBody != null) {
            byte[] body = JSON.valueToTree(instance(jsonBody, 0)).toString().getBytes(StandardCharsets.UTF_8);
            return new Generated("valid " + target, target, "application/json", body);
        }
        if (multipart) {
            return new Generated("valid-shaped upload", target, multipartType(), uploadBody(randomBytes(64)));
        }
        return new Generated("valid " + target, target, null, null);
    }

    Generated mutated() {
        List<Supplier<Generated>> mutations = new ArrayList<>();
        for (JsonNode p : parameters) {
            String name = p.path("name").asText();
            JsonNode schema = resolve(p.path("schema"));
            if (p.path("in").asText().equals("path")) {
                for (String bad : List.of("%2E%2E%2F%2E%2E", "%00", "x".repeat(300), "%C3%A9%E2%80%AE", "-1")) {
                    mutations.add(() -> {
                        String target = withPathParameters(name, bad);
                        return new Generated("path " + name + "=" + abbreviated(bad), target, null, null);
                    });
                }
            } else if (p.path("in").asText().equals("query")) {
                List<String> bad = new ArrayList<>(List.of("", "%00", "x".repeat(2000)));
                if (schema.path("type").asText().equals("integer")) {
                    bad.addAll(List.of("abc", "1.5", "1e3", "99999999999999999999", "-1"));
                    if (schema.has("maximum")) {
                        bad.add(String.valueOf(schema.path("maximum").asLong() + 1));
                    }
                    if (schema.has("minimum")) {
                        bad.add(String.valueOf(schema.path("minimum").asLong() - 1));
                    }
                }
                for (String value : bad) {
                    mutations.add(() -> {
                        String target = withPathParameters(null, null) + "?" + name + "=" + value;
                        return new Generated("query " + name + "=" + abbreviated(value), target, bodyType(), body());
                    });
                }
                mutations.add(() -> {
                    String v = value(name, schema);
                    String target = withPathParameters(null, null) + "?" + name + "=" + v + "&" + name + "=" + v;
                    return new Generated("query " + name + " repeated", target, bodyType(), body());
                });
            }
        }
        if (jsonBody != null) {
            String target = withPathParameters(null, null);
            mutations.add(() -> raw("malformed JSON", target, "application/json", "{\"a\":"));
            mutations.add(() -> raw("array body", target, "application/json", "[]"));
            mutations.add(() -> raw("empty body", target, "application/json", ""));
            mutations.add(() -> raw("text/plain body", target, "text/plain", "hello"));
            mutations.add(() -> {
                ObjectNode body = objectInstance();
                body.put("unknownProperty" + random.nextInt(100), "x");
                return raw("unknown property", target, "application/json", body.toString());
            });
            jsonBody.path("required")
                    .forEach(r -> mutations.add(() -> {
                        ObjectNode body = objectInstance();
                        body.remove(r.asText());
                        return raw("without " + r.asText(), target, "application/json", body.toString());
                    }));
            jsonBody.path("properties")
                    .fieldNames()
                    .forEachRemaining(property -> mutations.add(() -> {
                        ObjectNode body = objectInstance();
                        JsonNode current = body.path(property);
                        body.set(property, current.isTextual() ? NODES.numberNode(7) : NODES.textNode("7"));
                        return raw("wrong type of " + property, target, "application/json", body.toString());
                    }));
        }
        if (multipart) {
            String target = withPathParameters(null, null);
            mutations.add(() -> raw("multipart without boundary", target, "multipart/form-data", "--x\r\n"));
            mutations.add(() -> new Generated("multipart garbage", target, multipartType(), randomBytes(200)));
            mutations.add(() -> raw("json instead of multipart", target, "application/json", "{}"));
        }
        if (mutations.isEmpty()) {
            String target = withPathParameters(null, null) + "?unexpected=1&unexpected=2";
            return new Generated("repeated unknown parameter", target, null, null);
        }
        return mutations.get(random.nextInt(mutations.size())).get();
    }

    private Generated raw(String description, String target, String contentType, String body) {
        return new Generated(description + " " + target, target, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private String bodyType() {
        return jsonBody != null ? "application/json" : null;
    }

    private byte[] body() {
        return jsonBody != null
                ? JSON.valueToTree(instance(jsonBody, 0)).toString().getBytes(StandardCharsets.UTF_8)
                : null;
    }

    private ObjectNode objectInstance() {
        JsonNode value = JSON.valueToTree(instance(jsonBody, 0));
        return value instanceof ObjectNode object ? object : NODES.objectNode();
    }

    /** The path with each parameter filled; {@code replaced} (if not null) gets {@code value} as written. */
    private String withPathParameters(String replaced, String value) {
        String out = path;
        for (JsonNode p : parameters) {
            if (!p.path("in").asText().equals("path")) {
                continue;
            }
            String name = p.path("name").asText();
            String filled = name.equals(replaced) ? value : Requests.encode(value(name, resolve(p.path("schema"))));
            out = out.replace("{" + name + "}", filled);
        }
        return out;
    }

    private static String queryString(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        query.forEach((k, v) ->
                b.append(b.length() == 0 ? "?" : "&").append(k).append('=').append(Requests.encode(v)));
        return b.toString();
    }

    /** A value for a parameter: one of the fixture's identifiers where the name asks for one, else from the schema. */
    private String value(String name, JsonNode schema) {
        List<String> known = switch (name) {
            case "recordId" -> List.of(fixture.recordA, fixture.recordB);
            case "queryId" -> List.of(fixture.refusedQuery, fixture.otherInsurersQuery, fixture.unpaidQuery);
            case "keyId" -> List.of(fixture.keyIdB, fixture.revokedKeyId);
            case "templateId" -> new ArrayList<>(fixture.templates.values());
            // a suspension the fuzzer makes must not stop the organisations the other tests act as
            case "organisation" ->
                path.startsWith("/api/v1/suspensions/")
                        ? List.of("fuzz-suspended", "regulator-nhc")
                        : List.of("hospital-a", "hospital-b", Fixture.INSURER, "regulator-nhc");
            case "party" -> List.of("hospital-a", "hospital-b", Fixture.INSURER, "regulator-nhc");
            case "format" -> List.of("fhir", "ndjson");
            case "patient" -> List.of("Patient/" + "0123456789abcdef");
            default -> List.of();
        };
        if (!known.isEmpty() && random.nextInt(4) != 0) {
            return known.get(random.nextInt(known.size()));
        }
        Object instance = instance(schema, 0);
        return String.valueOf(instance);
    }

    /** A value the schema allows (as far as type, enum and bounds go). */
    private Object instance(JsonNode schema, int depth) {
        schema = resolve(schema);
        if (schema.has("enum")) {
            JsonNode options = schema.path("enum");
            return JSON.convertValue(options.get(random.nextInt(options.size())), Object.class);
        }
        String type = schema.path("type").asText(schema.has("properties") ? "object" : "string");
        switch (type) {
            case "integer": {
                long min = schema.has("minimum") ? schema.path("minimum").asLong() : 0;
                long max = schema.has("maximum") ? schema.path("maximum").asLong() : min + 1000;
                return min + (long) (random.nextDouble() * (max - min + 1));
            }
            case "number":
                return Math.round(random.nextDouble() * 100) / 100.0;
            case "boolean":
                return random.nextBoolean();
            case "array": {
                ArrayNode array = NODES.arrayNode();
                int n = depth > 2 ? 0 : random.nextInt(3);
                for (int i = 0; i < n; i++) {
                    array.add(JSON.valueToTree(instance(schema.path("items"), depth + 1))
                            .deepCopy());
                }
                return array;
            }
            case "object": {
                ObjectNode object = NODES.objectNode();
                List<String> required = new ArrayList<>();
                schema.path("required").forEach(r -> required.add(r.asText()));
                schema.path("properties").fields().forEachRemaining(property -> {
                    if (depth < 3 && (required.contains(property.getKey()) || random.nextBoolean())) {
                        object.set(property.getKey(), JSON.valueToTree(instance(property.getValue(), depth + 1)));
                    }
                });
                return object;
            }
            default: {
                if ("binary".equals(schema.path("format").asText())) {
                    return "";
                }
                int length = 1 + random.nextInt(12);
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < length; i++) {
                    b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
                return b.toString();
            }
        }
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode current = schema;
        for (int hops = 0; current.has("$ref") && hops < 10; hops++) {
            String ref = current.path("$ref").asText();
            current = document.at(ref.substring(1));
        }
        return current;
    }

    private static final String BOUNDARY = "fuzz-boundary-19";

    private static String multipartType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    private byte[] uploadBody(byte[] envelope) {
        return Requests.form(
                BOUNDARY,
                new Requests.Part("metadata", null, "text/plain; charset=UTF-8", "{}".getBytes(StandardCharsets.UTF_8)),
                Requests.envelopePart(envelope),
                Requests.rowsPart(randomBytes(16)));
    }

    private byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    private static String abbreviated(String text) {
        return text.length() > 24 ? text.substring(0, 24) + "…(" + text.length() + ")" : text;
    }
}
