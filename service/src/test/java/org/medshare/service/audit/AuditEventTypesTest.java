package org.medshare.service.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.service.ledger.LedgerService;

/**
 * {@code GET /api/v1/audit/event-types}: the ledger's event types as the console's filter offers them, named as the
 * events API names types and fields, and only for regulators.
 */
@QuarkusTest
@SuppressWarnings("unchecked")
class AuditEventTypesTest {

    @Inject
    LedgerService ledger;

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void everyEventTypeWithItsCodeAndFieldsInWireCodeOrder() {
        List<Map<String, Object>> types = given().get("/api/v1/audit/event-types")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("[0].name", equalTo("UPLOAD"))
                .body("[0].code", equalTo(1))
                .body("[0].fields", equalTo(List.of("actor", "record_id", "content_hash", "policy_hash")))
                .body("find { it.name == 'ANCHORED' }.code", equalTo(12))
                .body(
                        "find { it.name == 'ANCHORED' }.fields",
                        equalTo(List.of("chain_id", "contract", "tx_hash", "block_number", "tree_size", "tree_root")))
                .extract()
                .jsonPath()
                .getList("$");
        assertEquals(
                Arrays.stream(EventType.values()).map(Enum::name).sorted().toList(),
                types.stream().map(t -> (String) t.get("name")).sorted().toList(),
                "every type, once");
        List<Integer> codes = types.stream().map(t -> (Integer) t.get("code")).toList();
        assertEquals(codes.stream().sorted().distinct().toList(), codes, "ascending, distinct wire codes");
    }

    @Test
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void fieldNamesAreTheOnesTheEventsApiShows() {
        String record = UUID.randomUUID().toString();
        long index = ledger.append(
                        Event.upload(System.currentTimeMillis(), "hospital-a", record, new byte[32], new byte[32]))
                .index();
        Map<String, Object> fields = given().queryParam("from", index)
                .queryParam("limit", 1)
                .get("/api/v1/audit/events")
                .then()
                .statusCode(200)
                .body("[0].fields.record_id", equalTo(record))
                .extract()
                .jsonPath()
                .getMap("[0].fields");
        List<String> upload = given().get("/api/v1/audit/event-types")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("find { it.name == 'UPLOAD' }.fields");
        assertEquals(upload, List.copyOf(fields.keySet()));
    }

    @Test
    @TestSecurity(user = "arthur", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "hospital-a"))
    void aHospitalIsRefused() {
        given().get("/api/v1/audit/event-types").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    @TestSecurity(user = "ines", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "insurer-x"))
    void anInsurerIsRefused() {
        given().get("/api/v1/audit/event-types").then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void anAnonymousCallerIsRefused() {
        given().get("/api/v1/audit/event-types").then().statusCode(401).contentType("application/problem+json");
    }
}
