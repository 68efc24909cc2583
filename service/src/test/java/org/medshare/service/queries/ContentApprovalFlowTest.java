package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;

/**
 * Approval by content: a hospital allows exactly version 1 of a template by its content hash. Version 2 differs from
 * it in one byte (its version number); it does not run until the regulator approves it, and once the regulator has,
 * it runs over none of the hospital's records until the hospital allows its hash too. Version 1 keeps running.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContentApprovalFlowTest {

    static final String HOSPITAL = "hospital-content";
    static final String INSURER = "insurer-content";
    static final Party AS_TEST_IDENTITY = Party.testIdentity();

    final String template = "by-content-" + UUID.randomUUID().toString().substring(0, 8);

    private String version(int version) {
        return QuerySteps.template(template).replace("\"version\":1", "\"version\":" + version);
    }

    private String request(int version) {
        return QuerySteps.request(template, INSURER, null)
                .replace("\"templateVersion\":1", "\"templateVersion\":" + version);
    }

    private String hashOf(int version) {
        return given().get("/api/v1/templates")
                .then()
                .statusCode(200)
                .extract()
                .path("find { it.templateId == '" + template + "' && it.version == " + version + " }.hash");
    }

    private static void allow(String... rules) {
        QuerySteps.allow(AS_TEST_IDENTITY, rules);
    }

    @Test
    @Order(1)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerProposesTwoVersionsOneByteApart() {
        for (int v = 1; v <= 2; v++) {
            given().contentType("application/json")
                    .body(version(v))
                    .post("/api/v1/templates")
                    .then()
                    .statusCode(201)
                    .body("state", equalTo("PENDING"));
        }
        QuerySteps.deposit(AS_TEST_IDENTITY, 100_000);
    }

    @Test
    @Order(2)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalUploadsAndAllowsVersionOneByItsHash() throws Exception {
        HospitalClient.registered(HOSPITAL, null).uploadForStatistics(1_000_000L);
        assertNotEquals(hashOf(1), hashOf(2), "one byte changed makes another template");
        allow(QuerySteps.PURPOSE + "/sha256:" + hashOf(1));
    }

    @Test
    @Order(3)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesVersionOneOnly() {
        given().post("/api/v1/templates/" + template + "/1/approve").then().statusCode(200);
    }

    String first;

    @Test
    @Order(4)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void versionTwoIsRefusedUntilTheRegulatorApprovesIt() {
        given().contentType("application/json")
                .body(request(2))
                .post("/api/v1/queries")
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/template-not-approved"));
        first = submitted(1);
    }

    @Test
    @Order(5)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void versionOneRunsOverTheHospitalsRecord() {
        assertEquals(1, approvedInputs(first));
        given().post("/api/v1/templates/" + template + "/2/approve").then().statusCode(200);
    }

    String second;

    @Test
    @Order(6)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsVersionTwoOnceTheRegulatorApprovedIt() {
        assertFalse(permittedByTheHospital(2), "the preview shows the hospital's rules do not cover version two");
        second = submitted(2);
    }

    @Test
    @Order(7)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void versionTwoRunsOverNoneOfTheHospitalsRecords() {
        assertEquals(0, approvedInputs(second));
    }

    @Test
    @Order(8)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalAllowsVersionTwoByItsHashToo() {
        allow(QuerySteps.PURPOSE + "/sha256:" + hashOf(1), QuerySteps.PURPOSE + "/sha256:" + hashOf(2));
    }

    String third;

    @Test
    @Order(9)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsVersionTwoAgain() {
        assertTrue(permittedByTheHospital(2));
        third = submitted(2);
    }

    @Test
    @Order(10)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void nowVersionTwoRunsOverTheHospitalsRecord() {
        assertEquals(1, approvedInputs(third));
    }

    @Test
    @Order(11)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void aHashInAnotherFormIsRefusedAndTheRulesStay() {
        String upper = QuerySteps.PURPOSE + "/sha256:" + hashOf(1).toUpperCase(Locale.ROOT);
        given().contentType("application/json")
                .body(Map.of("rules", List.of(upper)))
                .put("/api/v1/data-use-rules")
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/invalid-rule"));
        given().get("/api/v1/data-use-rules").then().statusCode(200).body("size()", equalTo(2));
    }

    private String submitted(int version) {
        return given().contentType("application/json")
                .body(request(version))
                .post("/api/v1/queries")
                .then()
                .statusCode(201)
                .extract()
                .path("queryId");
    }

    /** Whether the insurer's preview of a request of {@code version} says the hospital's rules let it run. */
    private boolean permittedByTheHospital(int version) {
        return given().contentType("application/json")
                .body(request(version))
                .post("/api/v1/queries/preview")
                .then()
                .statusCode(200)
                .extract()
                .path("hospitals.find { it.hospital == '" + HOSPITAL + "' }.permitted");
    }

    private static int approvedInputs(String queryId) {
        return QuerySteps.approve(AS_TEST_IDENTITY, queryId)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .extract()
                .path("inputRecords");
    }
}
