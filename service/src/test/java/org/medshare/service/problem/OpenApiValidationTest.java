package org.medshare.service.problem;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.builder.ResponseBuilder;
import io.restassured.filter.Filter;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.OpenApiValidation;

/**
 * The OpenAPI validation that every service test runs under rejects what the document does not promise. Each case
 * answers a real request path with a deliberately wrong fixture (a response made up in the test, in place of the
 * service's) and shows that the globally installed filter fails the request.
 */
@QuarkusTest
class OpenApiValidationTest {

    private static final String ME_BODY =
            "{\"subject\":\"alice\",\"roles\":[\"hospital\"],\"organisation\":\"hospital-a\","
                    + "\"abeAttributes\":[\"org:hospital-a\"],\"firstSeen\":\"2026-01-01T00:00:00Z\"}";

    @Test
    void theFilterIsInstalledForEveryQuarkusTest() {
        assertTrue(
                RestAssured.filters().contains(OpenApiValidation.INSTANCE),
                RestAssured.filters().toString());
    }

    @Test
    void aDocumentedAnswerPasses() {
        assertDoesNotThrow(() -> given().filter(fixture(200, "application/json", ME_BODY))
                .get("/api/v1/me")
                .then()
                .statusCode(200));
    }

    @Test
    void anUndocumentedStatusFails() {
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> given().filter(fixture(418, "application/json", ME_BODY)).get("/api/v1/me"));
        assertTrue(refused.getMessage().contains("validation.response.status.unknown"), refused.getMessage());
    }

    @Test
    void aBodyThatDoesNotMatchTheSchemaFails() {
        String wrong = ME_BODY.replace("\"organisation\":\"hospital-a\"", "\"organisation\":7");
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> given().filter(fixture(200, "application/json", wrong)).get("/api/v1/me"));
        assertTrue(refused.getMessage().contains("validation.response.body.schema"), refused.getMessage());
    }

    @Test
    void anUndocumentedPropertyFails() {
        String extra = ME_BODY.replace("{", "{\"internal\":\"x\",");
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> given().filter(fixture(200, "application/json", extra)).get("/api/v1/me"));
        assertTrue(refused.getMessage().contains("additionalProperties"), refused.getMessage());
    }

    @Test
    void aRefusalThatIsNotAProblemFails() {
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> given().filter(fixture(403, "text/html", "<h1>Forbidden</h1>"))
                        .get("/api/v1/me"));
        assertTrue(refused.getMessage().contains("contentType"), refused.getMessage());
    }

    @Test
    void anUnroutedPathMustBeAProblemRefusal() {
        AssertionError refused = assertThrows(
                AssertionError.class,
                () -> given().filter(fixture(200, "application/json", "{}")).get("/api/v1/no-such-thing"));
        assertTrue(refused.getMessage().contains("must be refused"), refused.getMessage());
    }

    /** Answers in place of the service, after the validation filter has passed the request on. */
    private static Filter fixture(int status, String contentType, String body) {
        return (request, response, context) -> new ResponseBuilder()
                .setStatusCode(status)
                .setContentType(contentType)
                .setBody(body)
                .build();
    }
}
