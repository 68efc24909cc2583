package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;
import org.medshare.store.Cid;
import org.medshare.store.ShardStore;

/**
 * The hospitals' own disclosure limits through the approval endpoint and the real enclave: two hospitals upload two
 * records each (16 patients in each of three age bands in all) and set k = 12 and k = 20, the second also ε at most
 * 0.2 per query. Before submitting, the insurer previews each query: both hospitals' records, k = 20, the noise of
 * ε 0.1, and for ε 0.5 the second hospital's limit as the blocker, with nothing written. An exact query releases no age band: 16 patients are enough for k = 12 but not for k = 20, so the
 * larger k applies. A query of ε 0.5 is refused by the enclave as HOSPITAL_LIMIT naming the second hospital by its id, the
 * insurer reads why, and every budget charge is given back (one BUDGET_REFUNDED per BUDGET_CHARGED, no COMPUTE). When
 * a record's rows are lost from the store, a query over it fails the same way instead of running over fewer records.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DisclosureLimitsFlowTest {

    static final String HOSPITAL_A = "hospital-dflow-a";
    static final String HOSPITAL_B = "hospital-dflow-b";
    static final String INSURER = "insurer-dflow";
    static final Party AS_TEST_IDENTITY = Party.testIdentity();

    @Inject
    LedgerService ledger;

    final String template = "disclosure-flow-" + UUID.randomUUID().toString().substring(0, 8);
    int hospitalB;
    String exact;
    String noisy;
    String unreadable;

    @Inject
    ShardStore store;

    private int uploadTwoAndLimit(String organisation, long firstPatient, String limits) throws Exception {
        HospitalClient hospital = HospitalClient.registered(organisation, null);
        hospital.uploadForStatistics(firstPatient);
        hospital.uploadForStatistics(firstPatient + 100);
        QuerySteps.allow(AS_TEST_IDENTITY, QuerySteps.PURPOSE + "/" + template);
        given().contentType("application/json")
                .body(limits)
                .put("/api/v1/disclosure-limits")
                .then()
                .statusCode(200);
        return hospital.hospitalNumber();
    }

    @Test
    @Order(1)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_A))
    void hospitalAUploadsAndSetsKTwelve() throws Exception {
        uploadTwoAndLimit(HOSPITAL_A, 7_100_000L, "{\"minGroupSize\":12}");
    }

    @Test
    @Order(2)
    @TestSecurity(user = "hugo", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_B))
    void hospitalBUploadsAndSetsKTwentyAndEpsilonAtMostPointTwo() throws Exception {
        hospitalB = uploadTwoAndLimit(HOSPITAL_B, 7_200_000L, "{\"minGroupSize\":20,\"maxEpsilonPerQuery\":0.2}");
    }

    @Test
    @Order(3)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerProposesTheTemplateAndDeposits() {
        QuerySteps.proposeTemplate(AS_TEST_IDENTITY, template);
        QuerySteps.deposit(AS_TEST_IDENTITY, 100_000);
    }

    @Test
    @Order(4)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesTheTemplate() {
        QuerySteps.approveTemplate(AS_TEST_IDENTITY, template);
    }

    @Test
    @Order(5)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void aPreviewTellsTheInsurerWhatEachQueryWouldReleaseAndWhatBlocksItWithNothingWritten() {
        long entries = ledger.size();
        preview(null)
                .body("templateId", equalTo(template))
                .body("hospitals.find { it.hospital == '" + HOSPITAL_A + "' }.records", equalTo(2))
                .body("hospitals.find { it.hospital == '" + HOSPITAL_A + "' }.permitted", equalTo(true))
                .body("hospitals.find { it.hospital == '" + HOSPITAL_B + "' }.records", equalTo(2))
                .body("escrowSufficient", equalTo(true))
                .body("release.minGroupSize", equalTo(20))
                .body("release.maxRowsPerPatient", equalTo(1))
                .body("release.epsilon", equalTo(0.0f))
                .body("release.noise", empty())
                .body("blockers", empty())
                .body("blocked", equalTo(false));
        preview("0.1")
                .body("release.epsilon", equalTo(0.1f))
                .body("release.noise.value", equalTo(List.of("count")))
                .body("release.noise[0].mechanism", equalTo("discreteLaplace"))
                .body("release.noise[0].scale", equalTo(10.0f))
                .body("release.noise[0].halfWidth", greaterThan(10.0f))
                .body("blocked", equalTo(false));
        preview("0.5")
                .body("release", nullValue())
                .body("blockers.type", equalTo(List.of("hospital-limit")))
                .body(
                        "blockers[0].detail",
                        equalTo(HOSPITAL_B + " allows at most epsilon 0.2 per query over its records."))
                .body("blocked", equalTo(true));
        assertEquals(entries, ledger.size(), "a preview writes nothing to the ledger");
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + INSURER + "' }.spentMicros", equalTo(0));
        given().get("/api/v1/queries").then().statusCode(200).body("", empty());
    }

    private ValidatableResponse preview(String epsilon) {
        return given().contentType("application/json")
                .body(QuerySteps.request(template, INSURER, epsilon))
                .post("/api/v1/queries/preview")
                .then()
                .statusCode(200);
    }

    @Test
    @Order(6)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsAnExactAndANoisyQuery() {
        exact = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, null);
        noisy = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.5");
    }

    @Test
    @Order(7)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theLargerKOfTheTwoHospitalsSuppressesEveryAgeBand() throws Exception {
        JsonPath done = QuerySteps.approve(AS_TEST_IDENTITY, exact)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .extract()
                .jsonPath();
        JsonNode result = new ObjectMapper().readTree(done.getString("signedResult"));
        assertEquals(4, result.path("inputRecords").asInt(), result.toString());
        assertEquals(0, result.path("groups").size(), "16 patients a band are below k = 20: " + result);
        assertEquals(3, result.path("suppressedBy").path("minimumGroupSize").asInt(), result.toString());
    }

    @Test
    @Order(8)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aQueryAboveAHospitalsEpsilonIsRefusedByTheEnclaveAndEveryChargeGivenBack() {
        QuerySteps.approve(AS_TEST_IDENTITY, noisy)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("reason", containsString("HOSPITAL_LIMIT"))
                .body("reason", containsString(HOSPITAL_B + " allows at most epsilon 0.2"))
                .body("reason", not(containsString("hospital " + hospitalB)));
        List<Event> charged = events(EventType.BUDGET_CHARGED, noisy);
        List<Event> refunds = events(EventType.BUDGET_REFUNDED, noisy);
        assertTrue(
                charged.stream()
                        .map(e -> e.id(Field.ORGANISATION))
                        .toList()
                        .containsAll(List.of(HOSPITAL_A, HOSPITAL_B)),
                charged.toString());
        assertEquals(charged.size(), refunds.size());
        for (Event refund : refunds) {
            assertEquals(500_000, refund.amount(Field.EPSILON));
        }
        assertEquals(List.of(), events(EventType.COMPUTE, noisy));
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + HOSPITAL_A + "' }.spentMicros", equalTo(0))
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.spentMicros", equalTo(0))
                .body("find { it.organisation == '" + INSURER + "' }.spentMicros", equalTo(0));
    }

    @Test
    @Order(9)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void theInsurerReadsWhyItsQueryWasRefused() {
        given().get("/api/v1/queries/" + noisy)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("reason", containsString("HOSPITAL_LIMIT"));
    }

    @Test
    @Order(10)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_A))
    void oneRecordsRowsAreLostFromTheStore() throws Exception {
        String rowsCid =
                given().get("/api/v1/records").then().statusCode(200).extract().path("[0].rowsCid");
        assertTrue(store.delete(HOSPITAL_A, Cid.parse(rowsCid)), "the store held " + rowsCid);
    }

    @Test
    @Order(11)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsAQueryOverThem() {
        unreadable = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.1");
    }

    @Test
    @Order(12)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aQueryWhoseRowsCannotBeReadFailsAndGivesEveryChargeBack() {
        QuerySteps.approve(AS_TEST_IDENTITY, unreadable)
                .then()
                .statusCode(200)
                .body("status", equalTo("FAILED"))
                .body("reason", containsString("could not be read from the store"));
        List<Event> charged = events(EventType.BUDGET_CHARGED, unreadable);
        assertEquals(3, charged.size(), "the insurer and both hospitals were charged at approval: " + charged);
        assertEquals(3, events(EventType.BUDGET_REFUNDED, unreadable).size(), "and all three were refunded");
        assertEquals(List.of(), events(EventType.COMPUTE, unreadable));
    }

    private List<Event> events(EventType type, String queryId) {
        return ledger.entriesOfTypes(Set.of(type)).stream()
                .map(LedgerService.LedgerEntry::event)
                .filter(e -> e.id(Field.QUERY_ID).equals(queryId))
                .toList();
    }
}
