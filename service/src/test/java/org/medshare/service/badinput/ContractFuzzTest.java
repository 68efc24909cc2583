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
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.OpenApiValidation;

/**
 * Property-based fuzzing from the OpenAPI document: for every operation and every role (hospital, insurer,
 * regulator, no token), requests generated from the operation's parameters and body schema, valid ones and ones
 * with one mutation each (a value out of bounds, of the wrong type, empty, repeated; a required property dropped,
 * an unknown one added, malformed JSON, a wrong content type; an identifier that names nothing). The generator is
 * seeded ({@code -Dfuzz.seed}, default 19), so a failure can be replayed; {@code -Dfuzz.per-operation} bounds the
 * requests per operation and role (default 6, half valid and half mutated).
 *
 * <p>Every answer must be below 500 and documented, with a body that matches the document's schema (checked by
 * {@link OpenApiValidation} on each request); every batch of requests to one operation that was refused as a whole
 * must have changed nothing ({@link StateSnapshot}). A stateful sequence per role then chains operations on what the
 * earlier ones created (register a key, revoke it, register it again; upload, read, revoke consent, erase, read
 * again; propose a template, submit a query, read it; approve and refuse queries, prove entries), with the answer
 * each step must give.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContractFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 19L);
    private static final int PER_OPERATION = Integer.getInteger("fuzz.per-operation", 6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger CASES = new AtomicInteger();
    private static final Map<String, Integer> STATUSES = new TreeMap<>();
    private static Fixture fixture;

    @Inject
    CorpusState state;

    @Test
    @Order(1)
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void hospital() {
        fuzzEveryOperation("hospital");
    }

    @Test
    @Order(2)
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = Fixture.INSURER))
    void insurer() {
        fuzzEveryOperation("insurer");
    }

    @Test
    @Order(3)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulator() {
        fuzzEveryOperation("regulator");
    }

    @Test
    @Order(4)
    void withoutAToken() {
        fuzzEveryOperation("anonymous");
    }

    @Test
    @Order(5)
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void hospitalSequence() {
        Fixture fx = fixture();
        Random random = new Random(SEED + 5);
        for (int round = 0; round < 3; round++) {
            String publicKey = Fixture.publicKeyOf(new HospitalClient("hospital-a"));
            String registered = expect(200, "POST", "/api/v1/signing-keys", "{\"publicKey\":\"" + publicKey + "\"}");
            String keyId = field(registered, "keyId");
            expect(200, "GET", "/api/v1/signing-keys", null);
            expect(200, "DELETE", "/api/v1/signing-keys/" + keyId, null);
            if (random.nextBoolean()) {
                expect(409, "POST", "/api/v1/signing-keys", "{\"publicKey\":\"" + publicKey + "\"}");
            } else {
                expect(200, "DELETE", "/api/v1/signing-keys/" + keyId, null);
            }
        }
        HospitalClient.Upload upload =
                fx.hospitalA.upload("fuzz-" + fx.run, Fixture.POLICY_A, "fuzzed sequence record");
        Answer stored = Requests.post(upload);
        assertEquals(201, stored.status(), stored.body());
        CASES.incrementAndGet();
        String recordId = field(stored.body(), "record", "recordId");
        expect(200, "GET", "/api/v1/records/" + recordId, null);
        expect(200, "GET", "/api/v1/records/" + recordId + "/ciphertext", null);
        expect(200, "POST", "/api/v1/records/" + recordId + "/consent/revoke", null);
        expect(200, "POST", "/api/v1/records/" + recordId + "/consent/revoke", null);
        expect(200, "DELETE", "/api/v1/records/" + recordId, null);
        expect(404, "GET", "/api/v1/records/" + recordId, null);
        expect(404, "DELETE", "/api/v1/records/" + recordId, null);
        expect(
                200,
                "PUT",
                "/api/v1/data-use-rules",
                "{\"rules\":[\"insurance-stats/" + fx.templates.get("optional") + "\"]}");
        expect(200, "GET", "/api/v1/data-use-rules", null);
        expect(200, "PUT", "/api/v1/disclosure-limits", "{\"minGroupSize\":2}");
        expect(400, "PUT", "/api/v1/disclosure-limits", "{\"minGroupSize\":2,\"allowedFields\":[\"name\"]}");
        expect(200, "GET", "/api/v1/disclosure-limits", null);
    }

    @Test
    @Order(6)
    @TestSecurity(user = "irene", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = Fixture.INSURER))
    void insurerSequence() {
        Fixture fx = fixture();
        String templateId = "fuzz-" + fx.run;
        expect(201, "POST", "/api/v1/templates", Fixture.template(templateId, "optional"));
        expect(409, "POST", "/api/v1/templates", Fixture.template(templateId, "optional"));
        expect(200, "GET", "/api/v1/templates", null);
        expect(200, "POST", "/api/v1/payments/deposits", "{\"amount\":1000}");
        String submitted = expect(
                201, "POST", "/api/v1/queries", Fixture.request(fx.templates.get("optional"), Fixture.INSURER, "0.5"));
        String queryId = field(submitted, "queryId");
        expect(200, "GET", "/api/v1/queries/" + queryId, null);
        expect(200, "GET", "/api/v1/queries?limit=1", null);
        expect(403, "POST", "/api/v1/queries/" + queryId + "/approve", "{\"approval\":\"AA==\"}");
        expect(403, "GET", "/api/v1/queries/" + queryId + "/approval-terms", null);
        expect(404, "GET", "/api/v1/queries/" + fx.otherInsurersQuery, null);
    }

    @Test
    @Order(7)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorSequence() {
        Fixture fx = fixture();
        expect(200, "POST", "/api/v1/templates/fuzz-" + fx.run + "/1/reject", null);
        expect(409, "POST", "/api/v1/templates/fuzz-" + fx.run + "/1/approve", null);
        String listed = expect(200, "GET", "/api/v1/queries?limit=1000", null);
        String submitted = null;
        try {
            for (JsonNode q : JSON.readTree(listed)) {
                if (q.path("status").asText().equals("SUBMITTED")
                        && q.path("insurer").asText().equals(Fixture.INSURER)) {
                    submitted = q.path("queryId").asText();
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        assertTrue(submitted != null, "the insurer's sequence left a submitted query");
        expect(200, "POST", "/api/v1/queries/" + submitted + "/refuse", "{\"reason\":\"fuzzed sequence\"}");
        expect(409, "POST", "/api/v1/queries/" + submitted + "/approve", "{\"approval\":\"AA==\"}");
        expect(409, "GET", "/api/v1/queries/" + submitted + "/approval-terms", null);
        expect(409, "POST", "/api/v1/queries/" + submitted + "/refuse", "{\"reason\":\"again\"}");
        long size = state.ledgerSize();
        Random random = new Random(SEED + 7);
        for (int i = 0; i < 5; i++) {
            long index = random.nextLong(size);
            Answer proof = Requests.send("GET", "/api/v1/audit/proofs/inclusion?index=" + index, null, null, null);
            CASES.incrementAndGet();
            assertTrue(proof.status() == 200 || proof.status() == 404, proof.status() + " " + proof.body());
            expect(200, "GET", "/api/v1/ledger/entries/" + index, null);
        }
        expect(404, "GET", "/api/v1/ledger/entries/" + (size + 1000), null);
    }

    @AfterAll
    static void summary() {
        System.out.println("contract fuzz: " + CASES.get() + " requests (seed " + SEED + ", " + PER_OPERATION
                + " per operation and role), answers by status " + STATUSES);
    }

    private void fuzzEveryOperation(String role) {
        Fixture fx = fixture();
        JsonNode document = document();
        Random random = new Random(SEED ^ role.hashCode());
        List<String> failures = new ArrayList<>();
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
                String method = op.getKey().toUpperCase(Locale.ROOT);
                if (!List.of("GET", "POST", "PUT", "DELETE").contains(method)) {
                    continue;
                }
                operations++;
                RequestGenerator generator =
                        new RequestGenerator(document, path.getKey(), method, op.getValue(), fx, random);
                StateSnapshot before = snapshot();
                boolean allRefused = true;
                List<RequestGenerator.Generated> batch = new ArrayList<>();
                for (int i = 0; i < PER_OPERATION; i++) {
                    batch.add(i % 2 == 0 ? generator.mutated() : generator.valid());
                }
                for (RequestGenerator.Generated request : batch) {
                    String name = role + " " + method + " " + request.description();
                    Answer answer;
                    try {
                        answer = Requests.send(
                                method, request.pathAndQuery(), request.contentType(), request.body(), null);
                    } catch (AssertionError undocumented) {
                        failures.add(name + ": " + undocumented.getMessage());
                        allRefused = false;
                        continue;
                    }
                    CASES.incrementAndGet();
                    synchronized (STATUSES) {
                        STATUSES.merge(String.valueOf(answer.status()), 1, Integer::sum);
                    }
                    if (answer.status() >= 500) {
                        failures.add(name + ": " + answer.status() + " " + answer.body());
                    }
                    if (answer.status() < 400) {
                        allRefused = false;
                    }
                    if (role.equals("anonymous") && answer.status() < 400) {
                        failures.add(name + ": accepted without a token: " + answer.status());
                    }
                }
                if (allRefused) {
                    List<String> changes = before.differences(snapshot());
                    if (!changes.isEmpty()) {
                        failures.add(
                                role + " " + method + " " + path.getKey() + ": refused requests changed " + changes);
                    }
                }
            }
        }
        assertTrue(operations >= 40, "operations: " + operations);
        assertEquals(List.of(), failures, role + ": findings of the contract fuzzer");
    }

    /** Sends one step of a sequence and requires {@code status}; returns the body. */
    private static String expect(int status, String method, String pathAndQuery, String jsonBody) {
        Answer answer = Requests.send(
                method,
                pathAndQuery,
                jsonBody == null ? null : "application/json",
                jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8),
                null);
        CASES.incrementAndGet();
        assertEquals(status, answer.status(), method + " " + pathAndQuery + ": " + answer.body());
        return answer.body();
    }

    private static String field(String json, String... path) {
        try {
            JsonNode node = JSON.readTree(json);
            for (String p : path) {
                node = node.path(p);
            }
            return node.asText();
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    private static JsonNode document() {
        try {
            return JSON.readTree(OpenApiValidation.served(RestAssured.baseURI + ":" + RestAssured.port));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private StateSnapshot snapshot() {
        return state.snapshot();
    }

    private Fixture fixture() {
        synchronized (ContractFuzzTest.class) {
            if (fixture == null) {
                fixture = state.newFixture();
            }
            return fixture;
        }
    }
}
