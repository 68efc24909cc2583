package org.medshare.service.badinput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.OpenApiValidation;

/**
 * Holds the client's test double, {@code FakeMedshare} (client test sources), to this service: the same
 * signing-key, upload and record requests, byte for byte, go to a FakeMedshare and to the service, and both must
 * answer each with the status and problem type the case names. Every check the double re-implements (signing key,
 * signature, policy, envelope and rows containers, the rows' binding to the record, idempotent replay and reuse,
 * another organisation's key and record) has a case here, so the double cannot drift from the service; the
 * test's fault switches ({@code refuse}, {@code loseAnswers}, lying hosts) are not checks and are left out.
 * Every disagreement is collected before the test fails.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FakeMedshareContractTest {

    static final String POLICY = "org:hospital-a@2026Q4 AND role:physician";
    static final String BOUNDARY = "contract-boundary-41c9";
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final HospitalClient hospitalA = new HospitalClient("hospital-a");
    final HospitalClient hospitalB = new HospitalClient("hospital-b");
    final List<String> disagreements = new ArrayList<>();
    FakeMedshare fake;
    String keyIdA;
    String keyIdB;
    String recordA;
    /** The double's answer to the last request {@link #expect} sent. */
    Answer lastDouble;

    /** One answer: its status and, for a problem, the last segment of its type. */
    record Answer(int status, String kind, JsonNode body) {}

    @BeforeAll
    void startTheDouble() throws IOException {
        fake = new FakeMedshare();
    }

    @AfterAll
    void stopTheDouble() {
        fake.close();
    }

    @Test
    @Order(1)
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void hospitalARegistersItsKey() throws Exception {
        keyIdA = expect(
                        "register-key",
                        200,
                        null,
                        "alice",
                        "POST",
                        "/api/v1/signing-keys",
                        "application/json",
                        keyBody(hospitalA))
                .body()
                .path("keyId")
                .asText();
        hospitalA.withRegisteredKey(keyIdA, 1);
        assertAgreed();
    }

    @Test
    @Order(2)
    @TestSecurity(user = "bob", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-b"))
    void hospitalBRegistersItsKeyAndNotAnotherOrganisationsOrAMalformedOne() throws Exception {
        keyIdB = expect(
                        "register-other-key",
                        200,
                        null,
                        "bob",
                        "POST",
                        "/api/v1/signing-keys",
                        "application/json",
                        keyBody(hospitalB))
                .body()
                .path("keyId")
                .asText();
        expect(
                "register-key-of-another-organisation",
                409,
                "key-taken",
                "bob",
                "POST",
                "/api/v1/signing-keys",
                "application/json",
                keyBody(hospitalA));
        expect(
                "register-key-not-base64",
                400,
                "invalid-public-key",
                "bob",
                "POST",
                "/api/v1/signing-keys",
                "application/json",
                "{\"publicKey\":\"***\"}".getBytes(StandardCharsets.UTF_8));
        assertAgreed();
    }

    @Test
    @Order(3)
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void uploadsAreAnsweredAlike() throws Exception {
        Upload stored = upload("stored");
        byte[] storedBody = multipart(stored, true, true);
        recordA = upload("upload-new", 201, null, storedBody)
                .body()
                .path("record")
                .path("recordId")
                .asText();
        assertEquals(UploadStatement.recordId("hospital-a", stored.idempotencyKey), recordA);
        upload("upload-replayed", 200, null, storedBody);
        Upload reused = hospitalA.upload(stored.idempotencyKey, POLICY, "other content");
        upload("idempotency-key-reused", 409, "idempotency-conflict", multipart(reused, true, true));

        Upload u = upload("unknown-key");
        u.metadataOverride = withKeyId(u, "0000");
        upload("signing-key-unknown", 400, "unknown-signing-key", multipart(u, true, true));
        u = upload("other-organisations-key");
        u.metadataOverride = withKeyId(u, keyIdB);
        upload("signing-key-of-another-organisation", 400, "unknown-signing-key", multipart(u, true, true));
        u = upload("other-tags");
        u.signatureOverride = u.signature();
        u.tags.put("year", "2024");
        upload("signature-over-other-tags", 400, "bad-signature", multipart(u, true, true));
        u = upload("not-base64");
        u.signatureOverride = "***not base64***";
        upload("signature-not-base64", 400, "bad-signature", multipart(u, true, true));

        u = upload("unparsable-policy");
        u.policy = "org:hospital-a@2026Q4 AND (role:physician";
        upload("policy-unbalanced-parenthesis", 400, "invalid-policy", multipart(u, true, true));
        u = upload("policy-differs");
        u.policy = "org:hospital-a@2026Q4";
        upload("policy-differs-from-envelope", 400, "policy-mismatch", multipart(u, true, true));
        u = upload("rows-policy-differs");
        u.rows = hospitalA.rows(
                UploadStatement.recordId("hospital-a", u.idempotencyKey), "org:hospital-a@2026Q4", 100, 1);
        upload("policy-of-rows-differs", 400, "policy-mismatch", multipart(u, true, true));
        u = upload("rows-elsewhere");
        u.rows = hospitalA.rows("another-record", POLICY, 100, 1);
        upload("rows-bound-to-another-record", 400, "rows-record-mismatch", multipart(u, true, true));
        u = upload("envelope-fhir");
        u.envelope = "{\"resourceType\":\"Bundle\"}".getBytes(StandardCharsets.UTF_8);
        upload("envelope-is-plaintext-fhir", 400, "malformed-envelope", multipart(u, true, true));
        u = upload("rows-short");
        u.rows = new byte[] {1, 2, 3};
        upload("rows-three-bytes", 400, "malformed-rows", multipart(u, true, true));
        upload("upload-missing-rows-part", 400, "missing-part", multipart(upload("no-rows"), true, false));
        upload("upload-missing-envelope-part", 400, "missing-part", multipart(upload("no-envelope"), false, true));
        assertAgreed();
    }

    @Test
    @Order(4)
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void recordsWithoutRowsNewVersionsAndDisclosedTagsAreAnsweredAlike() throws Exception {
        Upload lab = hospitalA.uploadWithoutRows("contract-lab-" + run, POLICY, "lab report");
        sameRecord("upload-without-rows", upload("upload-without-rows", 201, null, multipart(lab, true, true)));

        String document = "0123456789abcdef";
        Upload first = upload("document-v1");
        first.tags.put("document", document);
        first.tags.put("resources", "Encounter:1,Observation:2-9,Patient:1");
        sameRecord("document-first-version", upload("document-first-version", 201, null, multipart(first, true, true)));
        Upload second = upload("document-v2");
        second.tags.put("document", document);
        sameRecord(
                "document-second-version", upload("document-second-version", 201, null, multipart(second, true, true)));

        Upload u = upload("document-in-clear");
        u.tags.put("document", "urn:uuid:0c3151bd-1cbf-4d64-b04d-cd9187a4c6e0");
        upload("document-identifier-in-clear", 400, "invalid-document-reference", multipart(u, true, true));
        u = upload("exact-counts");
        u.tags.put("resources", "Observation:17");
        upload("resource-summary-exact-count", 400, "invalid-resource-summary", multipart(u, true, true));

        String replaced = upload("replaced-record", 201, null, multipart(upload("replaced"), true, true))
                .body()
                .path("record")
                .path("recordId")
                .asText();
        Upload next = upload("replacing");
        next.tags.put("replaces", replaced);
        sameRecord(
                "replaces-current-version", upload("replaces-current-version", 201, null, multipart(next, true, true)));
        u = upload("replacing-again");
        u.tags.put("replaces", replaced);
        upload("replaces-superseded-version", 409, "not-current-version", multipart(u, true, true));
        u = upload("replacing-unknown");
        u.tags.put("replaces", UUID.randomUUID().toString());
        upload("replaces-unknown-record", 404, "not-found", multipart(u, true, true));
        u = upload("replacing-malformed");
        u.tags.put("replaces", "the previous one");
        upload("replaces-malformed", 400, "invalid-replaces", multipart(u, true, true));
        assertAgreed();
    }

    /** The double must describe a stored record as the service does: version, lineage, rows and the note. */
    private void sameRecord(String name, Answer service) {
        for (String field : List.of("version", "recordOf", "previousVersion", "analyticsRows", "usedInStatistics")) {
            JsonNode expected = service.body().path("record").path(field);
            JsonNode actual = lastDouble.body().path("record").path(field);
            if (!expected.equals(actual)) {
                disagreements.add(name + ": record." + field + " is " + expected + " at the service, " + actual
                        + " at FakeMedshare");
            }
        }
        if (!service.body().path("note").equals(lastDouble.body().path("note"))) {
            disagreements.add(name + ": note is " + service.body().path("note") + " at the service, "
                    + lastDouble.body().path("note") + " at FakeMedshare");
        }
    }

    @Test
    @Order(5)
    @TestSecurity(user = "bob", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-b"))
    void anotherOrganisationsRecordIsNotFoundAndItsCiphertextNeedsAPurpose() throws Exception {
        expect(
                "record-of-another-organisation",
                404,
                "not-found",
                "bob",
                "GET",
                "/api/v1/records/" + recordA,
                null,
                null);
        expect(
                "ciphertext-of-another-organisation-without-a-purpose",
                403,
                "purpose-required",
                "bob",
                "GET",
                "/api/v1/records/" + recordA + "/ciphertext",
                null,
                null);
        expect(
                "statement-of-no-record",
                404,
                "not-found",
                "bob",
                "GET",
                "/api/v1/records/contract-none-" + run + "/statement",
                null,
                null);
        assertAgreed();
    }

    private Upload upload(String name) {
        return hospitalA.upload("contract-" + name + "-" + run, POLICY, "record " + name);
    }

    private Answer upload(String name, int status, String kind, byte[] body) throws Exception {
        return expect(
                name,
                status,
                kind,
                "alice",
                "POST",
                "/api/v1/records",
                "multipart/form-data; boundary=" + BOUNDARY,
                body);
    }

    /**
     * Sends the request to the double (with {@code user}'s token there) and to the service (as the test identity);
     * records a disagreement where either answer is not {@code status} and {@code kind}; the service's answer.
     */
    private Answer expect(
            String name,
            int status,
            String kind,
            String user,
            String method,
            String path,
            String contentType,
            byte[] body)
            throws Exception {
        Answer service =
                send(URI.create("http://localhost:" + RestAssured.port), null, method, path, contentType, body);
        Answer theDouble = send(fake.base(), fake.tokenFor(user), method, path, contentType, body);
        lastDouble = theDouble;
        String expected = status + " " + kind;
        if (!expected.equals(service.status() + " " + service.kind())
                || !expected.equals(theDouble.status() + " " + theDouble.kind())) {
            disagreements.add(name + ": expected " + expected + ", the service answered " + service.status() + " "
                    + service.kind() + ", FakeMedshare " + theDouble.status() + " " + theDouble.kind());
        }
        return service;
    }

    private void assertAgreed() {
        assertTrue(disagreements.isEmpty(), String.join("\n", disagreements));
    }

    private static Answer send(URI base, String token, String method, String path, String contentType, byte[] body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (token == null) {
            OpenApiValidation.INSTANCE.verify(
                    method,
                    response.uri(),
                    response.statusCode(),
                    response.headers().map(),
                    new String(response.body(), StandardCharsets.UTF_8));
        }
        JsonNode json = response.body().length == 0 ? JSON.missingNode() : JSON.readTree(response.body());
        String type = json.path("type").asText("");
        String kind = response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
                ? type.substring(type.lastIndexOf('/') + 1)
                : null;
        return new Answer(response.statusCode(), kind, json);
    }

    private static byte[] keyBody(HospitalClient hospital) {
        return ("{\"publicKey\":\""
                        + Base64.getEncoder()
                                .encodeToString(
                                        hospital.signingKey().getPublic().getEncoded()) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String withKeyId(Upload u, String keyId) {
        return u.metadata().replaceAll("\"signingKeyId\":\"[0-9a-f]+\"", "\"signingKeyId\":\"" + keyId + "\"");
    }

    /** The upload's multipart body, signed once (so that both receive the same signature), with or without parts. */
    private static byte[] multipart(Upload u, boolean withEnvelope, boolean withRows) {
        List<Requests.Part> parts = new ArrayList<>();
        parts.add(new Requests.Part(
                "metadata", null, "text/plain; charset=UTF-8", u.metadata().getBytes(StandardCharsets.UTF_8)));
        if (withEnvelope) {
            parts.add(Requests.envelopePart(u.envelope));
        }
        if (withRows) {
            parts.add(Requests.rowsPart(u.rows));
        }
        return Requests.form(BOUNDARY, parts.toArray(Requests.Part[]::new));
    }
}
