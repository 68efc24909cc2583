package org.medshare.service.identity.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.problem.Problem;
import org.medshare.service.testing.HospitalClient;

/**
 * The black list: a regulator suspends and reinstates organisations on the ledger; a suspended organisation's
 * tokens may read but every write and every record release is refused (403 organisation-suspended) and changes
 * nothing; the list survives a restart because it is rebuilt from the ledger.
 */
@QuarkusTest
class SuspensionTest {
    static final String POLICY = "(org:hospital-susp@2026Q4 AND role:physician) OR purpose:insurance-stats@2026Q4";
    static final Caller RITA =
            new Caller("rita", new TreeSet<>(java.util.Set.of("regulator")), "regulator-nhc", new TreeSet<>());

    @Inject
    LedgerService ledger;

    @Inject
    Suspensions suspensions;

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-susp"))
    void aSuspendedHospitalReadsButNeitherWritesNorReceivesItsRecords() {
        HospitalClient hospital = new HospitalClient("hospital-susp");
        hospital.registerKey();
        String record = hospital.upload("susp-1", POLICY, "before")
                .post()
                .then()
                .statusCode(201)
                .extract()
                .path("record.recordId");
        suspensions.suspend(RITA, "hospital-susp", "investigation");
        try {
            long size = ledger.size();
            int records = given().get("/api/v1/records")
                    .then()
                    .statusCode(200)
                    .extract()
                    .path("size()");
            suspended(hospital.upload("susp-2", POLICY, "during").post().then());
            suspended(given().get("/api/v1/records/" + record + "/ciphertext").then());
            suspended(given().contentType("application/json")
                    .body(Map.of("publicKey", "AAAA"))
                    .post("/api/v1/signing-keys")
                    .then());
            suspended(given().delete("/api/v1/records/" + record).then());
            given().get("/api/v1/records/" + record).then().statusCode(200);
            given().get("/api/v1/suspensions")
                    .then()
                    .statusCode(200)
                    .body("find { it.organisation == 'hospital-susp' }.reason", equalTo("investigation"));
            assertEquals(size, ledger.size(), "no refusal appended anything");
            assertEquals(records, (int)
                    given().get("/api/v1/records").then().extract().path("size()"));
        } finally {
            suspensions.reinstate(RITA, "hospital-susp");
        }
        hospital.upload("susp-2", POLICY, "after").post().then().statusCode(201);
        given().get("/api/v1/records/" + record + "/ciphertext").then().statusCode(200);
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aRegulatorSuspendsOnceAndReinstatesOnTheLedger() {
        int index = given().contentType("application/json")
                .body(Map.of("reason", "security-incident"))
                .put("/api/v1/suspensions/insurer-susp")
                .then()
                .statusCode(200)
                .body("organisation", equalTo("insurer-susp"))
                .body("reason", equalTo("security-incident"))
                .extract()
                .path("ledgerIndex");
        Event event = ledger.entries(index, 1).get(0).event();
        assertEquals(EventType.ORGANISATION_SUSPENDED, event.type());
        assertEquals("regulator-nhc:rita", event.id(Field.ACTOR));
        assertEquals("insurer-susp", event.id(Field.ORGANISATION));
        assertEquals("security-incident", event.id(Field.REASON));

        long size = ledger.size();
        given().contentType("application/json")
                .body(Map.of("reason", "investigation"))
                .put("/api/v1/suspensions/insurer-susp")
                .then()
                .statusCode(200)
                .body("ledgerIndex", equalTo(index))
                .body("reason", equalTo("security-incident"));
        refused("PUT", "insurer-susp", Map.of("reason", "dislike"), 400, "invalid-reason");
        refused("PUT", "Insurer_Susp", Map.of("reason", "investigation"), 400, "invalid-organisation");
        refused("PUT", "regulator-nhc", Map.of("reason", "investigation"), 409, "own-organisation");
        given().contentType("application/json")
                .body("{}")
                .put("/api/v1/suspensions/x")
                .then()
                .statusCode(400);
        assertEquals(size, ledger.size(), "a repeated suspension and the refusals appended nothing");

        assertTrue(new Suspensions(ledger).isSuspended("insurer-susp"), "a restart rebuilds the list from the ledger");
        int reinstated = given().delete("/api/v1/suspensions/insurer-susp")
                .then()
                .statusCode(200)
                .extract()
                .path("ledgerIndex");
        assertEquals(
                EventType.ORGANISATION_REINSTATED,
                ledger.entries(reinstated, 1).get(0).event().type());
        refused("DELETE", "insurer-susp", null, 404, "not-found");
        assertFalse(new Suspensions(ledger).isSuspended("insurer-susp"));
    }

    @Test
    @TestSecurity(user = "alice", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aHospitalCannotSuspend() {
        given().contentType("application/json")
                .body(Map.of("reason", "investigation"))
                .put("/api/v1/suspensions/hospital-b")
                .then()
                .statusCode(403);
        given().delete("/api/v1/suspensions/hospital-b").then().statusCode(403);
    }

    @Test
    void theDocumentListsExactlyTheReasonCodesTheServiceAccepts() {
        List<String> documented = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .extract()
                .path("components.schemas.SuspensionRequest.properties.reason.enum");
        assertEquals(new TreeSet<>(Suspensions.REASONS), new TreeSet<>(documented));
    }

    private static void suspended(io.restassured.response.ValidatableResponse answer) {
        answer.statusCode(403)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.TYPE_BASE + "organisation-suspended"));
    }

    private void refused(String method, String organisation, Map<String, String> body, int status, String kind) {
        var request = given().contentType("application/json");
        if (body != null) {
            request = request.body(body);
        }
        request.request(method, "/api/v1/suspensions/" + organisation)
                .then()
                .statusCode(status)
                .contentType(Problem.MEDIA_TYPE)
                .body("type", equalTo(Problem.TYPE_BASE + kind));
    }
}
