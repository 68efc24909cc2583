package org.medshare.service.problem;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HTTP contract below the endpoints: a multipart body the framework's parser cannot read, {@code OPTIONS} and
 * 405 with their {@code Allow} header (RFC 9110 §9.3.7, §15.5.6), query parameters given twice, empty or not at
 * all, and the HTTP layer's own refusals of over-long request targets (414) and oversized headers (431), each as
 * problem+json; an over-limit chunked body is refused with 413 (by the framework, without a body).
 */
@QuarkusTest
class HttpContractTest {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aMultipartBodyWithAnUnreadablePartHeaderIsA400Problem() {
        given().contentType("multipart/form-data; boundary=b0undary")
                .body("--b0undary\r\nnot a header line\r\n\r\n{}\r\n--b0undary--\r\n".getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/records")
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo(Problem.TYPE_BASE + "unreadable-body"))
                .body("status", equalTo(400));
        given().contentType("multipart/form-data; boundary=b0undary")
                .body(("--b0undary\r\nContent-Disposition: form-data; name=\"metadata\"\r\n"
                                + "Content-Transfer-Encoding: rot13\r\n\r\n{}\r\n--b0undary--\r\n")
                        .getBytes(StandardCharsets.UTF_8))
                .post("/api/v1/records")
                .then()
                .statusCode(400)
                .contentType(PROBLEM);
    }

    /** OPTIONS names exactly the methods that do not answer 405, and every 405 names them in Allow. */
    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void optionsAdvertisesOnlyWorkingMethodsAndEvery405CarriesAllow() {
        Map<String, String> expected = Map.of(
                "/api/v1/records", "GET, HEAD, OPTIONS, POST",
                "/api/v1/records/some-record", "DELETE, GET, HEAD, OPTIONS",
                "/api/v1/records/some-record/consent/revoke", "OPTIONS, POST",
                "/api/v1/signing-keys", "GET, HEAD, OPTIONS, POST",
                "/api/v1/signing-keys/some-key", "DELETE, OPTIONS",
                "/api/v1/data-use-rules", "GET, HEAD, OPTIONS, PUT",
                "/api/v1/disclosure-limits", "GET, HEAD, OPTIONS, PUT",
                "/api/v1/fhir/Consent/abc/$revoke", "OPTIONS, POST");
        List<String> all = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH");
        expected.forEach((path, allow) -> {
            Response options = given().urlEncodingEnabled(false).options(path);
            assertEquals(204, options.statusCode(), path);
            assertEquals(allow, options.header("Allow"), path);
            List<String> advertised = Arrays.asList(allow.split(", "));
            for (String method : all) {
                Response answer = given().urlEncodingEnabled(false).request(method, path);
                if (advertised.contains(method)) {
                    assertNotEquals(405, answer.statusCode(), method + " " + path);
                } else {
                    assertEquals(405, answer.statusCode(), method + " " + path);
                    assertEquals(allow, answer.header("Allow"), method + " " + path);
                    if (!method.equals("HEAD")) {
                        assertEquals(PROBLEM, answer.contentType(), method + " " + path);
                    }
                }
            }
        });
        given().options("/api/v1/no-such-thing").then().statusCode(404).contentType(PROBLEM);
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void repeatedAndEmptyIntegerParametersAreRefused() {
        refused("/api/v1/fhir/Consent?_offset=&_offset=abc", "repeated-parameter");
        refused("/api/v1/fhir/Consent?_offset=0&_offset=1", "repeated-parameter");
        refused("/api/v1/fhir/Consent?_offset=", "invalid-parameter");
        refused("/api/v1/fhir/Consent?_count=", "invalid-parameter");
        refused("/api/v1/records?limit=&limit=5", "repeated-parameter");
        refused("/api/v1/records?resourceType=Patient&resourceType=Claim", "repeated-parameter");
        given().get("/api/v1/fhir/Consent?_offset=0&_count=5").then().statusCode(200);
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void anInclusionProofNeedsExactlyOneIndex() {
        refused("/api/v1/audit/proofs/inclusion?index=&index=abc", "repeated-parameter");
        refused("/api/v1/audit/proofs/inclusion?index=", "invalid-parameter");
        refused("/api/v1/audit/proofs/inclusion", "missing-parameter");
        refused("/api/v1/audit/proofs/consistency?to=1", "missing-parameter");
        refused("/api/v1/audit/events?from=&from=3", "repeated-parameter");
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void theHttpLayersOwnRefusalsAreProblems() throws Exception {
        given().get("/api/v1/records/" + "a".repeat(HttpLimits.MAX_URI_LENGTH))
                .then()
                .statusCode(414)
                .contentType(PROBLEM)
                .body("type", equalTo(Problem.TYPE_BASE + "uri-too-long"));
        given().header("X-Padding", "b".repeat(HttpLimits.MAX_HEADER_BYTES))
                .get("/api/v1/records")
                .then()
                .statusCode(431)
                .contentType(PROBLEM)
                .body("type", equalTo(Problem.TYPE_BASE + "headers-too-large"));
        given().get("/api/v1/records/" + "a".repeat(HttpLimits.MAX_URI_LENGTH - 100))
                .then()
                .statusCode(404)
                .contentType(PROBLEM);

        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
        long size = 41L * 1024 * 1024;
        HttpRequest chunked = HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/records"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=b0undary")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ZeroStream(size)))
                .build();
        HttpResponse<String> answer;
        try {
            answer = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new AssertionError("the service closed the connection without an answer", e);
        }
        // The framework refuses a chunked body itself once it passes the limit (it writes a bare 413 and closes the
        // connection, with no hook to shape the answer); bodies with a Content-Length get problem+json (BodyLimit).
        assertEquals(413, answer.statusCode(), answer.body());
    }

    private static void refused(String pathAndQuery, String kind) {
        given().urlEncodingEnabled(false)
                .get(pathAndQuery)
                .then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo(Problem.TYPE_BASE + kind));
    }

    /** {@code size} zero bytes, with no length known in advance (so the client sends them chunked). */
    private static final class ZeroStream extends InputStream {
        private long left;

        ZeroStream(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            Arrays.fill(b, off, off + n, (byte) 0);
            left -= n;
            return n;
        }
    }
}
