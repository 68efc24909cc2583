package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
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
import org.medshare.service.enclave.EnclaveStatisticsRunner;
import org.medshare.service.enclave.RefusingStatisticsRunner;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;

/**
 * The hospitals' budgets through the approval endpoint: two hospitals with limits of their own upload a record each;
 * a preview of a query of ε 0.5 names the hospital whose budget cannot pay it, and the query is refused with 409 {@code hospital-budget-exhausted} naming the hospital whose limit is 0.3 and
 * writes nothing (no budget is even created); a query of ε 0.25 that the enclave refuses gives every charge back, with one
 * BUDGET_REFUNDED per BUDGET_CHARGED and no COMPUTE; the next one of ε 0.25 completes, which leaves the second
 * hospital's budget nearly exhausted at the default 80% and the first's at the 25% it sets.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HospitalBudgetFlowTest {

    static final String HOSPITAL_A = "hospital-bflow-a";
    static final String HOSPITAL_B = "hospital-bflow-b";
    static final String INSURER = "insurer-bflow";
    static final Party AS_TEST_IDENTITY = Party.testIdentity();

    @Inject
    LedgerService ledger;

    final String template = "budget-flow-" + UUID.randomUUID().toString().substring(0, 8);

    private void uploadAndLimit(String organisation, String limit) throws Exception {
        HospitalClient.registered(organisation, null).uploadForStatistics(1_000_000L);
        QuerySteps.allow(AS_TEST_IDENTITY, QuerySteps.PURPOSE + "/" + template);
        given().contentType("application/json")
                .body("{\"limit\":" + limit + "}")
                .put("/api/v1/budgets/own-limit")
                .then()
                .statusCode(200);
    }

    @Test
    @Order(1)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_A))
    void hospitalAUploadsAndSetsALimitOfOne() throws Exception {
        uploadAndLimit(HOSPITAL_A, "1.0");
    }

    @Test
    @Order(2)
    @TestSecurity(user = "hugo", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_B))
    void hospitalBUploadsAndSetsALimitOfPointThree() throws Exception {
        uploadAndLimit(HOSPITAL_B, "0.3");
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
    void aPreviewNamesTheHospitalWhoseBudgetCannotPayAndOpensNoBudget() {
        given().contentType("application/json")
                .body(QuerySteps.request(template, INSURER, "0.5"))
                .post("/api/v1/queries/preview")
                .then()
                .statusCode(200)
                .body("blockers.type", equalTo(List.of("hospital-budget-exhausted")))
                .body("blockers[0].detail", containsString(HOSPITAL_B + "'s dataset"))
                .body("release.epsilon", equalTo(0.5f))
                .body("blocked", equalTo(true));
    }

    String tooExpensive;
    String refused;
    String completed;

    @Test
    @Order(6)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsThreeQueries() {
        tooExpensive = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.5");
        refused = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.25");
        completed = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.25");
    }

    @Test
    @Order(7)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aQueryOneHospitalCannotPayIsRefusedAndSpendsNothing() {
        QuerySteps.approve(AS_TEST_IDENTITY, tooExpensive)
                .then()
                .statusCode(409)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/hospital-budget-exhausted"))
                .body("detail", containsString(HOSPITAL_B + "'s dataset"));
        given().get("/api/v1/queries/" + tooExpensive).then().statusCode(200).body("status", equalTo("SUBMITTED"));
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + HOSPITAL_A + "' }", nullValue())
                .body("find { it.organisation == '" + HOSPITAL_B + "' }", nullValue())
                .body("find { it.organisation == '" + INSURER + "' }", nullValue());
        assertEquals(List.of(), events(EventType.BUDGET_CHARGED, tooExpensive));
    }

    @Test
    @Order(8)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void aQueryTheEnclaveRefusesGivesEveryChargeBack() {
        QuarkusMock.installMockForType(new RefusingStatisticsRunner(), EnclaveStatisticsRunner.class);
        QuerySteps.approve(AS_TEST_IDENTITY, refused).then().statusCode(200).body("status", equalTo("FAILED"));
        assertSpent(0, 0, 0);
        List<Event> charged = events(EventType.BUDGET_CHARGED, refused);
        List<Event> refunds = events(EventType.BUDGET_REFUNDED, refused);
        List<String> chargedHospitals =
                charged.stream().map(e -> e.id(Field.ORGANISATION)).toList();
        assertEquals(true, chargedHospitals.containsAll(List.of(HOSPITAL_A, HOSPITAL_B)), chargedHospitals.toString());
        assertEquals(charged.size(), refunds.size());
        for (int i = 0; i < charged.size(); i++) {
            Event c = charged.get(i);
            Event r = refunds.get(i);
            assertEquals(c.id(Field.ORGANISATION), r.id(Field.ORGANISATION));
            assertEquals(c.id(Field.PERIOD), r.id(Field.PERIOD));
            assertEquals(250_000, r.amount(Field.EPSILON));
            assertEquals(c.amount(Field.BUDGET_LIMIT), r.amount(Field.BUDGET_LIMIT));
        }
        assertEquals(List.of(), events(EventType.COMPUTE, refused));
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body(
                        "find { it.organisation == '" + HOSPITAL_B + "' }.queries.find { it.queryId == '" + refused
                                + "' }.refunded",
                        equalTo(true));
    }

    @Test
    @Order(9)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theRefundedEpsilonPaysTheNextQuery() {
        QuerySteps.approve(AS_TEST_IDENTITY, completed).then().statusCode(200).body("status", equalTo("COMPLETED"));
        assertSpent(250_000, 250_000, 250_000);
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.limitMicros", equalTo(300_000))
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.remainingMicros", equalTo(50_000))
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.warnAtPercent", equalTo(80))
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.nearlyExhausted", equalTo(true))
                .body("find { it.organisation == '" + HOSPITAL_A + "' }.nearlyExhausted", equalTo(false));
    }

    @Test
    @Order(10)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_A))
    void aHospitalIsWarnedAtItsOwnThreshold() {
        given().contentType("application/json")
                .body("{\"warnAtPercent\":0}")
                .put("/api/v1/budgets/warning")
                .then()
                .statusCode(400)
                .body("type", equalTo("https://medshare.example/problems/invalid-budget-warning"));
        given().get("/api/v1/budgets").then().statusCode(200).body("[0].warnAtPercent", equalTo(80));
        given().contentType("application/json")
                .body("{\"warnAtPercent\":25}")
                .put("/api/v1/budgets/warning")
                .then()
                .statusCode(200)
                .body("organisation", equalTo(HOSPITAL_A))
                .body("warnAtPercent", equalTo(25))
                .body("spentMicros", equalTo(250_000))
                .body("nearlyExhausted", equalTo(true));
    }

    private void assertSpent(int insurer, int hospitalA, int hospitalB) {
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + HOSPITAL_A + "' }.spentMicros", equalTo(hospitalA))
                .body("find { it.organisation == '" + HOSPITAL_B + "' }.spentMicros", equalTo(hospitalB))
                .body("find { it.organisation == '" + INSURER + "' }.spentMicros", equalTo(insurer));
    }

    private List<Event> events(EventType type, String queryId) {
        return ledger.entriesOfTypes(Set.of(type)).stream()
                .map(LedgerService.LedgerEntry::event)
                .filter(e -> e.id(Field.QUERY_ID).equals(queryId))
                .toList();
    }
}
