package org.medshare.service.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.payments.service.PaymentService;
import org.medshare.service.payments.service.PaymentService.Payout;
import org.medshare.service.store.StoreMaintenance;

/** The endpoints the web console reads, and the console's static files. */
@QuarkusTest
@SuppressWarnings("unchecked")
class ConsoleSupportTest {

    @Inject
    LedgerService ledger;

    @Inject
    StoreMaintenance maintenance;

    @Inject
    PaymentService payments;

    @Test
    void consoleFilesAndLoginSettingsAreServedWithoutAToken() {
        given().get("/console/")
                .then()
                .statusCode(200)
                .contentType(containsString("text/html"))
                .header(
                        "Content-Security-Policy",
                        equalTo("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                                + " connect-src 'self' http://127.0.0.1:1/realms/medshare/; base-uri 'none';"
                                + " form-action 'self'; frame-ancestors 'none'"))
                .header("X-Frame-Options", equalTo("DENY"))
                .body(containsString("<script type=\"module\""));
        for (String page : List.of("audit", "event", "approvals", "queries", "data-use", "payouts", "health")) {
            given().get("/console/js/pages/" + page + ".js")
                    .then()
                    .statusCode(200)
                    .contentType(containsString("javascript"))
                    .body(containsString("export async function render"));
        }
        given().get("/console/config")
                .then()
                .statusCode(200)
                .header("Cache-Control", containsString("no-store"))
                .body("clientId", equalTo("medshare-console"))
                .body("issuer", equalTo("http://127.0.0.1:1/realms/medshare"));
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(not(containsString("/console/config")));
    }

    @Test
    @TestSecurity(user = "arthur", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void platformHealthShowsNodesLedgerAndASimulatedEnclave() {
        ledger.append(Event.upload(1_000L, "hospital-h", UUID.randomUUID().toString(), new byte[32], new byte[32]));
        Map<String, Object> health = given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("store.k", equalTo(4))
                .body("store.n", equalTo(6))
                .body("store.nodes", hasSize(6))
                .body("store.nodes.id", equalTo(List.of("node-0", "node-1", "node-2", "node-3", "node-4", "node-5")))
                .body("ledger.suite", equalTo("nist"))
                .body("ledger.checkpoint.signatures", hasSize(1))
                .body("ledger.members[0].role", equalTo("leader"))
                .body("enclave.mode", equalTo("SIMULATED"))
                .extract()
                .as(Map.class);
        Map<String, Object> enclave = (Map<String, Object>) health.get("enclave");
        List<Map<String, Object>> enclaves = (List<Map<String, Object>>) enclave.get("enclaves");
        if (Boolean.TRUE.equals(enclave.get("started"))) {
            assertEquals(2, enclaves.size());
            enclaves.forEach(e -> assertTrue(((String) e.get("measurement")).matches("[0-9a-f]{64}"), e.toString()));
        } else {
            assertEquals(List.of(), enclaves, "nothing is reported for enclaves that have not started");
        }

        maintenance.scrubNow();
        given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("store.lastScrub.failure", nullValue())
                .body("store.lastScrub.finishedAt", not(nullValue()));
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void ledgerEntryBytesHashToTheLeafOfItsInclusionProof() throws Exception {
        LedgerReceipt receipt = ledger.append(
                Event.upload(2_000L, "hospital-e", UUID.randomUUID().toString(), new byte[32], new byte[32]));
        Map<String, Object> entry = given().get("/api/v1/ledger/entries/" + receipt.index())
                .then()
                .statusCode(200)
                .extract()
                .as(Map.class);
        byte[] encoded = Base64.getDecoder().decode((String) entry.get("encoded"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) 0);
        byte[] leaf = sha.digest(encoded);
        assertArrayEquals(Base64.getDecoder().decode(receipt.leafHash()), leaf);
        assertEquals(receipt.leafHash(), entry.get("leafHash"));
        assertEquals("nist", entry.get("suite"));
        assertTrue(new String(encoded, StandardCharsets.ISO_8859_1).contains("hospital-e"), "the entry's own bytes");

        given().get("/api/v1/ledger/entries/" + ledger.size())
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        given().get("/api/v1/ledger/entries/-1").then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "bob", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-p"))
    void aHospitalSeesOnlyItsOwnPayouts() {
        String query = "q-" + UUID.randomUUID();
        payments.deposit("insurer-p", BigInteger.valueOf(1000));
        List<Payout> paid = payments.settle("insurer-p", query, Map.of("hospital-p", 4L, "hospital-other", 2L));
        Payout mine = paid.stream()
                .filter(p -> p.organisation().equals("hospital-p"))
                .findFirst()
                .orElseThrow();
        given().get("/api/v1/payments/payouts")
                .then()
                .statusCode(200)
                .body("payee", everyItem(equalTo("hospital-p")))
                .body("findAll { it.queryId == '" + query + "' }", hasSize(1))
                .body(
                        "find { it.queryId == '" + query + "' }.amount",
                        equalTo(mine.amount().intValueExact()))
                .body("find { it.queryId == '" + query + "' }.recordCount", equalTo(4))
                .body("find { it.queryId == '" + query + "' }.payer", equalTo("insurer-p"));
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aRegulatorSeesEveryPayout() {
        String query = "q-" + UUID.randomUUID();
        payments.deposit("insurer-r", BigInteger.valueOf(1000));
        payments.settle("insurer-r", query, Map.of("hospital-r1", 3L, "hospital-r2", 2L));
        given().get("/api/v1/payments/payouts")
                .then()
                .statusCode(200)
                .body(
                        "findAll { it.queryId == '" + query + "' }.payee.sort()",
                        equalTo(List.of("hospital-r1", "hospital-r2")))
                .body("findAll { it.queryId == '" + query + "' }.payer", everyItem(equalTo("insurer-r")));
    }
}
