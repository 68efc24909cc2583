package org.medshare.service.testing;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.atlassian.oai.validator.restassured.RestAssuredResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.filter.FilterContext;
import io.restassured.filter.OrderedFilter;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Holds every answer of the service to its own OpenAPI document: a REST Assured filter that checks each response to
 * an {@code /api/} request against the document the service under test serves ({@code /q/openapi}), and fails the
 * test with an {@link AssertionError} naming each mismatch: a status the operation does not document, a content type
 * it does not list, a body that does not match the schema, or a missing documented header.
 *
 * <p>Requests are not checked: the bad-input tests send malformed requests on purpose; what they must get back is a
 * documented refusal. A request to a path or method the document does not list must be answered with a 4xx
 * problem+json (404, 405 and the HTTP layer's 414/431), or with the allowed methods for {@code OPTIONS}.
 *
 * <p>{@link #install(String)} adds the filter to REST Assured's global filters; {@link OpenApiValidationCallback} does so
 * before every {@code @QuarkusTest} method. With the system property {@code openapi-validation=report} the
 * mismatches are appended to {@code target/openapi-mismatches.txt} instead of failing the test (for surveying a
 * whole suite at once).
 */
public final class OpenApiValidation implements OrderedFilter {

    /** The single instance that {@link #install(String)} registers. */
    public static final OpenApiValidation INSTANCE = new OpenApiValidation();

    private static final String PROBLEM_JSON = "application/problem+json";
    private static final Set<Integer> UNROUTED_REFUSALS = Set.of(404, 405, 414, 431);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, OpenApiInteractionValidator> validators = new ConcurrentHashMap<>();
    private volatile String currentTest = "";

    private OpenApiValidation() {}

    /** Adds the filter to REST Assured's global filters unless it is there already; names the running test. */
    public static void install(String testName) {
        INSTANCE.currentTest = testName;
        if (RestAssured.filters().stream().noneMatch(f -> f instanceof OpenApiValidation)) {
            RestAssured.filters(INSTANCE);
        }
    }

    @Override
    public int getOrder() {
        return HIGHEST_PRECEDENCE;
    }

    @Override
    public Response filter(
            FilterableRequestSpecification request, FilterableResponseSpecification spec, FilterContext context) {
        Response response = context.next(request, spec);
        verify(
                request.getMethod(),
                URI.create(request.getURI()),
                RestAssuredResponse.of(response),
                response.asString());
        return response;
    }

    /**
     * Checks one answer to {@code method uri} (for requests sent without REST Assured): fails with an
     * {@link AssertionError} naming each mismatch, or reports them (see the class comment).
     */
    public void verify(String method, URI uri, int status, Map<String, List<String>> headers, String body) {
        SimpleResponse.Builder response = new SimpleResponse.Builder(status).withBody(body);
        headers.forEach(response::withHeader);
        verify(method, uri, response.build(), body);
    }

    private void verify(String method, URI uri, com.atlassian.oai.validator.model.Response response, String body) {
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/api/")) {
            return;
        }
        List<String> mismatches = mismatches(uri, method, path, response, body);
        if (!mismatches.isEmpty()) {
            String message = method + " " + path + " answered " + response.getStatus()
                    + " outside the OpenAPI document:\n  " + String.join("\n  ", mismatches);
            if ("report".equals(System.getProperty("openapi-validation"))) {
                report(currentTest + ": " + message);
            } else {
                throw new AssertionError(message);
            }
        }
    }

    /** The mismatches between {@code response} and the document served at {@code uri}'s origin; empty if none. */
    private List<String> mismatches(
            URI uri, String method, String path, com.atlassian.oai.validator.model.Response response, String body) {
        Request.Method verb;
        try {
            verb = Request.Method.valueOf(method.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return unrouted(method, response, body);
        }
        ValidationReport report = validator(uri).validateResponse(path, verb, response);
        boolean undocumentedOperation = report.getMessages().stream()
                .anyMatch(m -> m.getKey().equals("validation.request.path.missing")
                        || m.getKey().equals("validation.request.operation.notAllowed"));
        if (undocumentedOperation) {
            return unrouted(method, response, body);
        }
        List<String> out = new ArrayList<>();
        for (ValidationReport.Message message : report.getMessages()) {
            if (message.getLevel() == ValidationReport.Level.ERROR) {
                out.add(message.getKey() + ": " + message.getMessage());
            }
        }
        return out;
    }

    /** A method or path the document does not list: only a problem+json refusal or an OPTIONS answer is right. */
    private static List<String> unrouted(
            String method, com.atlassian.oai.validator.model.Response response, String body) {
        int status = response.getStatus();
        if (method.equalsIgnoreCase("OPTIONS")
                && status / 100 == 2
                && response.getHeaderValue("Allow").isPresent()) {
            return List.of();
        }
        if (method.equalsIgnoreCase("HEAD")) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (!UNROUTED_REFUSALS.contains(status)) {
            out.add("an operation the document does not list must be refused with 404, 405, 414 or 431, not " + status);
        }
        String contentType = response.getContentType().orElse(null);
        if (contentType == null || !contentType.startsWith(PROBLEM_JSON)) {
            out.add("a refusal must be " + PROBLEM_JSON + ", not " + contentType);
            return out;
        }
        try {
            JsonNode problem = JSON.readTree(body == null ? "" : body);
            if (problem.path("status").asInt() != status
                    || !problem.path("type").isTextual()
                    || !problem.path("title").isTextual()) {
                out.add("not a problem detail with type, title and this status: " + problem);
            }
        } catch (IOException e) {
            out.add("the problem body is not JSON");
        }
        return out;
    }

    private OpenApiInteractionValidator validator(URI uri) {
        String origin = uri.getScheme() + "://" + uri.getAuthority();
        return validators.computeIfAbsent(
                origin,
                o -> OpenApiInteractionValidator.createForInlineApiSpecification(served(o))
                        .build());
    }

    /** The document as the service at {@code origin} serves it (fetched without REST Assured and its filters). */
    public static String served(String origin) {
        HttpRequest get = HttpRequest.newBuilder(URI.create(origin + "/q/openapi?format=json"))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .build();
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(get, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IllegalStateException("the OpenAPI document answered " + answer.statusCode());
            }
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch the OpenAPI document from " + origin, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static synchronized void report(String message) {
        try {
            Path file = Path.of("target", "openapi-mismatches.txt");
            Files.writeString(
                    file, message + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
