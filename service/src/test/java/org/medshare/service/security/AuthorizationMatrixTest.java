package org.medshare.service.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * Every operation of the OpenAPI document × every role (and no token), with real Keycloak tokens.
 * The expected roles per operation are written down here; an operation the document lists and this
 * table does not fails the test, so a new endpoint cannot ship without a rule. Another organisation's
 * data is covered by the flow tests (404 for another hospital's record, 403/404 for another insurer's query).
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class AuthorizationMatrixTest {

    static final String HOSPITAL = "hospital";
    static final String INSURER = "insurer";
    static final String REGULATOR = "regulator";

    /** "METHOD path" → roles allowed. */
    static final Map<String, Set<String>> RULES = new TreeMap<>(Map.ofEntries(
            Map.entry("GET /api/v1/me", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("GET /api/v1/parties", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/suspensions", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("PUT /api/v1/suspensions/{organisation}", Set.of(REGULATOR)),
            Map.entry("DELETE /api/v1/suspensions/{organisation}", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/signing-keys", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/signing-keys", Set.of(HOSPITAL)),
            Map.entry("DELETE /api/v1/signing-keys/{keyId}", Set.of(HOSPITAL)),
            Map.entry("POST /api/v1/records", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/{recordId}", Set.of(HOSPITAL)),
            Map.entry("DELETE /api/v1/records/{recordId}", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/{recordId}/ciphertext", Set.of(HOSPITAL)),
            Map.entry("POST /api/v1/records/{recordId}/consent/revoke", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/search", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/fhir/DocumentReference", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/access", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/access/{ledgerIndex}/proof", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/records/{recordId}/statement", Set.of(HOSPITAL)),
            Map.entry("POST /api/v1/policies/preview", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/break-glass", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/break-glass/{ledgerIndex}/review", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/consents/{id}", Set.of(HOSPITAL)),
            Map.entry("PUT /api/v1/consents/{id}/provisions", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/data-use-rules", Set.of(HOSPITAL)),
            Map.entry("PUT /api/v1/data-use-rules", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/budgets", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("PUT /api/v1/budgets/own-limit", Set.of(HOSPITAL)),
            Map.entry("PUT /api/v1/budgets/warning", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/disclosure-limits", Set.of(HOSPITAL)),
            Map.entry("PUT /api/v1/disclosure-limits", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/authority/parameters", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("GET /api/v1/authority/parameters/attested", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("POST /api/v1/authority/keys", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/authority/keys/entitlement", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/authority/epochs", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("POST /api/v1/authority/epochs", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/fhir/Consent", Set.of(HOSPITAL)),
            Map.entry("GET /api/v1/fhir/Consent/{id}", Set.of(HOSPITAL)),
            Map.entry("POST /api/v1/fhir/Consent/{id}/$revoke", Set.of(HOSPITAL)),
            Map.entry("POST /api/v1/templates", Set.of(INSURER)),
            Map.entry("GET /api/v1/templates", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("POST /api/v1/templates/{templateId}/{version}/approve", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/templates/{templateId}/{version}/reject", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/queries", Set.of(INSURER)),
            Map.entry("POST /api/v1/queries/preview", Set.of(INSURER)),
            Map.entry("GET /api/v1/queries", Set.of(INSURER, REGULATOR)),
            Map.entry("GET /api/v1/queries/{queryId}", Set.of(INSURER, REGULATOR)),
            Map.entry("POST /api/v1/queries/{queryId}/approve", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/queries/{queryId}/approval-terms", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/queries/{queryId}/refuse", Set.of(REGULATOR)),
            Map.entry("POST /api/v1/payments/deposits", Set.of(INSURER)),
            Map.entry("GET /api/v1/payments/balances/me", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("GET /api/v1/payments/balances/{organisation}", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/payments/payouts", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("GET /api/v1/health/platform", Set.of(HOSPITAL, INSURER, REGULATOR)),
            Map.entry("GET /api/v1/ledger/entries/{index}", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/events", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/event-types", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/checkpoints", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/balances", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/export", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/checkpoint", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/proofs/inclusion", Set.of(REGULATOR)),
            Map.entry("GET /api/v1/audit/proofs/consistency", Set.of(REGULATOR))));

    @Test
    void everyDocumentedOperationHasARuleAndEveryRuleHolds() {
        Map<String, Map<String, Object>> paths = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .path("paths");
        Set<String> documented = new TreeSet<>();
        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (Set.of("get", "post", "put", "delete", "patch").contains(method)) {
                documented.add(method.toUpperCase() + " " + path);
            }
        }));
        Set<String> withoutRule = new TreeSet<>(documented);
        withoutRule.removeAll(RULES.keySet());
        assertEquals(Set.of(), withoutRule, "operations without an authorisation rule in this test");
        Set<String> stale = new TreeSet<>(RULES.keySet());
        stale.removeAll(documented);
        assertEquals(Set.of(), stale, "rules for operations the API no longer has");

        Map<String, String> tokens = Map.of(
                HOSPITAL,
                KeycloakTokens.user("alice"),
                INSURER,
                KeycloakTokens.user("irene"),
                REGULATOR,
                KeycloakTokens.user("rita"));
        List<String> violations = new ArrayList<>();
        for (String operation : documented) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation
                    .substring(operation.indexOf(' ') + 1)
                    .replace("{version}", "1")
                    .replaceAll("\\{[^}]+}", "no-such-id");
            Response anonymous = call(given(), method, path);
            if (anonymous.statusCode() != 401 || !anonymous.contentType().startsWith("application/problem+json")) {
                violations.add(operation + " without a token: " + anonymous.statusCode());
            }
            for (Map.Entry<String, String> role : tokens.entrySet()) {
                int status = call(given().auth().oauth2(role.getValue()), method, path)
                        .statusCode();
                boolean allowed = RULES.get(operation).contains(role.getKey());
                if (allowed && (status == 401 || status == 403 || status >= 500)) {
                    violations.add(operation + " as " + role.getKey() + ": " + status + " but the role is allowed");
                }
                if (!allowed && status != 403) {
                    violations.add(operation + " as " + role.getKey() + ": " + status + " but the role is not allowed");
                }
            }
        }
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /** Paths are sent as documented: a FHIR operation's {@code $} literally, as FHIR clients send it. */
    private static Response call(RequestSpecification request, String method, String path) {
        RequestSpecification r = request.urlEncodingEnabled(false);
        if (method.equals("POST") || method.equals("PUT")) {
            r = r.contentType(path.equals("/api/v1/records") ? "multipart/form-data" : "application/json");
            r = path.equals("/api/v1/records") ? r.multiPart("metadata", "{}") : r.body("{}");
        }
        return r.request(method, path);
    }
}
