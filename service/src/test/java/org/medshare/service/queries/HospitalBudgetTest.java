package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;
import org.medshare.service.queries.persistence.BudgetRepository;
import org.medshare.service.queries.persistence.BudgetRepository.Budget;
import org.medshare.service.queries.persistence.BudgetRepository.Charge;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.queries.service.BudgetPeriod;
import org.medshare.service.queries.service.PrivacyBudgets;
import org.medshare.service.queries.service.PrivacyBudgets.BudgetView;
import org.medshare.service.queries.service.PrivacyBudgets.Plan;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The hospitals' shared privacy budgets: all insurers together stay within a hospital's period limit under a race, a
 * query over two hospitals spends nothing anywhere when one is short, a refund gives every budget back with one
 * BUDGET_REFUNDED per hospital, and {@code GET /api/v1/budgets} shows each party what it may see.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HospitalBudgetTest {

    static final String HOSPITAL_A = "hospital-budget-a";
    static final String HOSPITAL_B = "hospital-budget-b";
    static final String INSURER = "insurer-budget";

    @Inject
    PrivacyBudgets budgets;

    @Inject
    BudgetRepository repository;

    @Inject
    QueryRepository queries;

    @Inject
    LedgerService ledger;

    static Caller hospital(String organisation) {
        return new Caller("hana", new TreeSet<>(Set.of("hospital")), organisation, new TreeSet<>());
    }

    static String hash(String queryId) {
        return HexFormat.of().formatHex(org.medshare.ledger.event.SaltedHash.sha256(queryId.getBytes()));
    }

    private Plan plan(String queryId, String insurer, long micros, String... hospitals) {
        return budgets.plan(queryId, hash(queryId), insurer, micros, 0, Set.of(hospitals));
    }

    private boolean charge(Plan plan) {
        try {
            budgets.chargeWith(plan, () -> {});
            return true;
        } catch (RequestRefusedException e) {
            assertEquals("hospital-budget-exhausted", e.kind());
            return false;
        }
    }

    private Budget hospitalBudget(String hospital) {
        String period = BudgetPeriod.MONTH.nameOf(java.time.Instant.now());
        return QuarkusTransaction.requiringNew().call(() -> repository.hospitalBudgets(hospital)).stream()
                .filter(b -> b.period().equals(period))
                .findFirst()
                .orElseThrow();
    }

    private long insurerSpent(String insurer) {
        return QuarkusTransaction.requiringNew()
                .call(() -> queries.budget(insurer))
                .map(b -> b[0])
                .orElse(0L);
    }

    @Test
    @Order(1)
    void twoInsurersRacingIn32ThreadsNeverOverspendAHospitalsPeriodBudget() throws Exception {
        String hospital = "hospital-race-" + System.nanoTime();
        budgets.setOwnLimit(hospital(hospital), 2.0);
        List<String> insurers = List.of("insurer-race-1-" + System.nanoTime(), "insurer-race-2-" + System.nanoTime());
        ExecutorService pool = Executors.newFixedThreadPool(32);
        CountDownLatch start = new CountDownLatch(1);
        List<Callable<Boolean>> tasks = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            String queryId = "race-" + i + "-" + System.nanoTime();
            String insurer = insurers.get(i % 2);
            tasks.add(() -> {
                start.await();
                return charge(plan(queryId, insurer, 250_000, hospital));
            });
        }
        List<Future<Boolean>> futures = new ArrayList<>();
        try {
            tasks.forEach(t -> futures.add(pool.submit(t)));
            start.countDown();
            int charged = 0;
            for (Future<Boolean> f : futures) {
                charged += f.get() ? 1 : 0;
            }
            assertEquals(8, charged, "2.0 pays exactly eight charges of 0.25");
        } finally {
            pool.shutdown();
        }
        Budget budget = hospitalBudget(hospital);
        assertEquals(2_000_000, budget.limitMicros());
        assertEquals(2_000_000, budget.spentMicros(), "charged exactly the limit, never more");
        List<Charge> charges = QuarkusTransaction.requiringNew().call(() -> repository.charges(hospital, false));
        assertEquals(8, charges.size());
        assertEquals(
                2_000_000, insurerSpent(insurers.get(0)) + insurerSpent(insurers.get(1)), "refusals spent nothing");
    }

    @Test
    @Order(1)
    void dryRunsRacingWithTheFirstChargesOfABudgetAlwaysAnswer() throws Exception {
        String hospital = "hospital-dry-race-" + System.nanoTime();
        String insurer = "insurer-dry-race-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                Plan plan = plan("dry-race-" + i + "-" + System.nanoTime(), insurer, 100_000, hospital);
                boolean dryRun = i % 2 == 0;
                futures.add(pool.submit(() -> {
                    start.await();
                    return dryRun ? budgets.refusalOf(plan).isEmpty() : charge(plan);
                }));
            }
            start.countDown();
            for (Future<Boolean> f : futures) {
                assertTrue(f.get(), "every dry run finds the charge payable and every charge is paid");
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(800_000, hospitalBudget(hospital).spentMicros(), "only the eight real charges spent");
        assertEquals(800_000, insurerSpent(insurer));
    }

    @Test
    @Order(2)
    void aQueryOverTwoHospitalsIsRefusedWhenOneIsShortAndSpendsNothingAnywhere() {
        budgets.setOwnLimit(hospital(HOSPITAL_A), 1.0);
        budgets.setOwnLimit(hospital(HOSPITAL_B), 0.4);
        String queryId = "two-hospitals-" + System.nanoTime();
        Plan plan = plan(queryId, INSURER, 500_000, HOSPITAL_A, HOSPITAL_B);
        long insurerBefore = insurerSpent(INSURER);
        assertEquals(
                "hospital-budget-exhausted",
                budgets.refusalOf(plan).orElseThrow().kind(),
                "a dry run meets the refusal the charge meets");
        assertEquals(
                Optional.empty(),
                budgets.refusalOf(plan(queryId, INSURER, 400_000, HOSPITAL_A, HOSPITAL_B)),
                "a dry run within every limit meets none");
        RequestRefusedException refused =
                assertThrows(RequestRefusedException.class, () -> budgets.chargeWith(plan, () -> {}));
        assertEquals("hospital-budget-exhausted", refused.kind());
        assertTrue(refused.detail().contains(HOSPITAL_B + "'s dataset"), refused.detail());
        for (String hospital : List.of(HOSPITAL_A, HOSPITAL_B)) {
            assertEquals(
                    List.of(),
                    QuarkusTransaction.requiringNew().call(() -> repository.hospitalBudgets(hospital)),
                    "the charges and the budgets they created were rolled back");
        }
        assertEquals(insurerBefore, insurerSpent(INSURER), "the insurer's charge was rolled back");
        assertEquals(List.of(), QuarkusTransaction.requiringNew().call(() -> repository.charges(queryId, true)));
    }

    @Test
    @Order(3)
    void aRefundGivesBackTheInsurersAndEveryHospitalsChargeWithOneLedgerEventEach() {
        String queryId = "refunded-" + System.nanoTime();
        Plan plan = plan(queryId, INSURER, 400_000, HOSPITAL_A, HOSPITAL_B);
        long insurerBefore = insurerSpent(INSURER);
        budgets.chargeWith(plan, () -> {});
        assertEquals(400_000, hospitalBudget(HOSPITAL_A).spentMicros());
        assertEquals(400_000, hospitalBudget(HOSPITAL_B).spentMicros());
        assertEquals(insurerBefore + 400_000, insurerSpent(INSURER));
        long approved = ledger.append(Event.queryApproved(
                        System.currentTimeMillis(),
                        "regulator-nhc",
                        queryId,
                        HexFormat.of().parseHex(hash(queryId))))
                .index();
        budgets.logCharges(queryId, hash(queryId));

        List<Charge> refunded = QuarkusTransaction.requiringNew().call(() -> budgets.refund(queryId));
        budgets.logRefunds(hash(queryId), refunded);
        assertEquals(0, hospitalBudget(HOSPITAL_A).spentMicros());
        assertEquals(0, hospitalBudget(HOSPITAL_B).spentMicros());
        assertEquals(insurerBefore, insurerSpent(INSURER));
        assertEquals(
                List.of(),
                QuarkusTransaction.requiringNew().call(() -> budgets.refund(queryId)),
                "a second refund gives nothing back");

        List<Event> charged = ofQuery(EventType.BUDGET_CHARGED, queryId);
        List<Event> refunds = ofQuery(EventType.BUDGET_REFUNDED, queryId);
        assertEquals(3, charged.size());
        assertEquals(3, refunds.size());
        for (int i = 0; i < 3; i++) {
            Event c = charged.get(i);
            Event r = refunds.get(i);
            for (Field f : List.of(Field.ORGANISATION, Field.PERIOD, Field.QUERY_ID)) {
                assertEquals(c.id(f), r.id(f));
            }
            for (Field f : List.of(Field.EPSILON, Field.DELTA, Field.BUDGET_LIMIT)) {
                assertEquals(c.amount(f), r.amount(f));
            }
            assertEquals(400_000, c.amount(Field.EPSILON));
        }
        assertEquals(
                List.of(INSURER, HOSPITAL_A, HOSPITAL_B),
                charged.stream().map(e -> e.id(Field.ORGANISATION)).toList(),
                "the insurer's own budget first");
        assertEquals(
                List.of("total", plan.period(), plan.period()),
                charged.stream().map(e -> e.id(Field.PERIOD)).toList());
        assertEquals(budgets.insurerLimitMicros(), charged.get(0).amount(Field.BUDGET_LIMIT), "the insurer's limit");
        assertEquals(1_000_000, charged.get(1).amount(Field.BUDGET_LIMIT), "hospital A's own limit");
        for (Charge c : QuarkusTransaction.requiringNew().call(() -> repository.charges(queryId, true))) {
            assertTrue(c.refunded(), c.toString());
            assertTrue(c.chargedEntry() > approved && c.refundedEntry() > c.chargedEntry(), c.toString());
        }
    }

    private List<Event> ofQuery(EventType type, String queryId) {
        return ledger.entriesOfTypes(Set.of(type)).stream()
                .map(LedgerEntry::event)
                .filter(e -> e.id(Field.QUERY_ID).equals(queryId))
                .toList();
    }

    @Test
    @Order(4)
    void aQueryChargedWithinTheLimitsIsShownWithItsLedgerEntry() {
        String queryId = "shown-" + System.nanoTime();
        budgets.chargeWith(plan(queryId, INSURER, 300_000, HOSPITAL_A), () -> {});
        ledger.append(Event.queryApproved(
                System.currentTimeMillis(),
                "regulator-nhc",
                queryId,
                HexFormat.of().parseHex(hash(queryId))));
        budgets.logCharges(queryId, hash(queryId));
        assertEquals(300_000, hospitalBudget(HOSPITAL_A).spentMicros());
        BudgetView below = budgets.setWarning(hospital(HOSPITAL_A), 31);
        assertEquals(31, below.warnAtPercent());
        assertFalse(below.nearlyExhausted(), "0.3 of 1.0 is below 31%");
        assertTrue(budgets.setWarning(hospital(HOSPITAL_A), 30).nearlyExhausted(), "0.3 of 1.0 is 30%");
    }

    @Test
    @Order(5)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL_A))
    void aHospitalSeesOnlyItsOwnDatasetsBudget() {
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("organisation", everyItem(equalTo(HOSPITAL_A)))
                .body("kind", everyItem(equalTo("hospital")))
                .body("find { it.spentMicros == 300000 }.limitMicros", equalTo(1_000_000))
                .body("find { it.spentMicros == 300000 }.remaining", equalTo(0.7f))
                .body("find { it.spentMicros == 300000 }.periodEnd", endsWith("T00:00:00Z"))
                .body("find { it.spentMicros == 300000 }.queries.findAll { !it.refunded }.size()", equalTo(1))
                .body("find { it.spentMicros == 300000 }.queries.findAll { it.refunded }.size()", equalTo(1))
                .body(
                        "find { it.spentMicros == 300000 }.queries.chargedEntry",
                        everyItem(org.hamcrest.Matchers.notNullValue()));
        given().contentType("application/json")
                .body("{\"limit\":-1}")
                .put("/api/v1/budgets/own-limit")
                .then()
                .statusCode(400)
                .body("type", endsWith("/invalid-budget"));
        given().contentType("application/json")
                .body("{\"limit\":1.5}")
                .put("/api/v1/budgets/own-limit")
                .then()
                .statusCode(200)
                .body("limitMicros", equalTo(1_000_000))
                .body("organisation", equalTo(HOSPITAL_A));
    }

    @Test
    @Order(6)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void anInsurerSeesOnlyItsOwnBudget() {
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].kind", equalTo("insurer"))
                .body("[0].organisation", equalTo(INSURER))
                .body("[0].spentMicros", equalTo(300_000))
                .body("[0].limitMicros", equalTo(10_000_000))
                .body("[0].queries.findAll { !it.refunded }.size()", equalTo(1));
        given().contentType("application/json")
                .body("{\"limit\":1.5}")
                .put("/api/v1/budgets/own-limit")
                .then()
                .statusCode(403);
    }

    @Test
    @Order(7)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theRegulatorSeesEveryBudget() {
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("findAll { it.kind == 'hospital' }.organisation", hasItems(HOSPITAL_A, HOSPITAL_B))
                .body("findAll { it.kind == 'insurer' }.organisation", hasItem(INSURER))
                .body("findAll { it.organisation == '" + INSURER + "' }.spentMicros", contains(300_000));
    }
}
