package org.medshare.service.queries;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.ClaimType;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.enclave.stats.Accuracy;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerBackend;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.OutageLedger;
import org.medshare.service.queries.persistence.BudgetRepository;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.store.StoreTopology;
import org.medshare.service.testing.AuthorityKeys;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.QuerySteps;
import org.medshare.service.testing.QuerySteps.Party;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;

/**
 * Consent, payment and the approve → compute → settle path with test identities, so that they run without
 * Keycloak: one method per party's turn, in order. A hospital of its own uploads five records under the key
 * authority's parameters, withdraws one record's consent and, through FHIR Consent {@code $revoke}, the consent
 * of a patient with another record; an insurer of its own deposits escrow and submits queries of its own
 * template, one with DP; the regulator approves them, the real enclave processes compute over the three records
 * left, the contract pays the hospital, and the balances of both show it. (With real tokens: {@link QueryFlowTest}.)
 *
 * <p>These steps run every native SQL statement of the service (hospital numbers, record patients, both kinds of
 * consent revocation, data-use rules, privacy budget, clinician key issues) and store and change the hospital's own
 * disclosure limits (ones the flow's count by age band keeps), which is why
 * {@link ApprovalFlowOnPostgresTest} repeats them on PostgreSQL. Last, the hospital erases a record: no storage node
 * holds a shard of it, the ledger has its ERASED event, and statistics no longer read it.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApprovalFlowTest {

    static final String HOSPITAL = "hospital-flow";
    static final String INSURER = "insurer-flow";
    static final String POLICY = "org:" + HOSPITAL + "@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final long ESCROW = 1_000;
    static final Party AS_TEST_IDENTITY = Party.testIdentity();

    @Inject
    QueryRepository queries;

    @Inject
    AgroalDataSource dataSource;

    @Inject
    ShardStore store;

    @Inject
    StoreTopology topology;

    @Inject
    LedgerService ledger;

    @Inject
    LedgerBackend ledgerBackend;

    @Inject
    RecordService recordService;

    @Inject
    BudgetRepository budgets;

    final String run = UUID.randomUUID().toString().substring(0, 8);
    final String template = "fast-flow-" + run;
    final String patient = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    final List<String> kept = new ArrayList<>();
    String exactQuery;
    String noisyQuery;

    @Test
    @Order(1)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalUploadsWithdrawsTwoConsentsAndAllowsTheTemplate() throws Exception {
        HospitalClient hospital = HospitalClient.registered(HOSPITAL, null);
        HospitalClient secondKey = new HospitalClient(HOSPITAL);
        secondKey.registerKey();
        assertEquals(hospital.hospitalNumber(), secondKey.hospitalNumber(), "a second key keeps the hospital's number");
        List<String> records = new ArrayList<>();
        for (int r = 0; r < 5; r++) {
            Upload upload = hospital.upload(
                    run + "-" + r,
                    POLICY,
                    "{\"resourceType\":\"Bundle\"}",
                    1_000_000L * (r + 1),
                    hospital.hospitalNumber());
            if (r == 4) {
                upload.tags.put("patient", patient);
            }
            records.add(upload.post().then().statusCode(201).extract().path("record.recordId"));
        }
        kept.addAll(records.subList(0, 3));
        String revokedRecord = records.get(3);
        String patientsRecord = records.get(4);

        given().post("/api/v1/records/" + revokedRecord + "/consent/revoke")
                .then()
                .statusCode(200)
                .body("changed", equalTo(true));
        given().post("/api/v1/records/" + revokedRecord + "/consent/revoke")
                .then()
                .statusCode(200)
                .body("changed", equalTo(false));
        String consentId = given().queryParam("patient", "Patient/" + patient)
                .get("/api/v1/fhir/Consent")
                .then()
                .statusCode(200)
                .body("entry.size()", equalTo(1))
                .body("entry[0].resource.status", equalTo("active"))
                .extract()
                .path("entry[0].resource.id");
        given().get("/api/v1/fhir/Consent").then().statusCode(200).body("entry.resource.id", hasItem(consentId));
        given().urlEncodingEnabled(false)
                .post("/api/v1/fhir/Consent/" + consentId + "/$revoke")
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .body("status", equalTo("inactive"));
        given().urlEncodingEnabled(false)
                .post("/api/v1/fhir/Consent/" + consentId + "/$revoke")
                .then()
                .statusCode(200)
                .body("status", equalTo("inactive"));
        given().get("/api/v1/fhir/Consent/" + consentId).then().statusCode(200).body("status", equalTo("inactive"));
        for (String withdrawn : List.of(revokedRecord, patientsRecord)) {
            given().get("/api/v1/records/" + withdrawn + "/ciphertext")
                    .then()
                    .statusCode(403)
                    .body("type", equalTo("https://medshare.example/problems/consent-revoked"));
        }
        given().get("/api/v1/records/" + kept.get(0) + "/ciphertext").then().statusCode(200);
        QuerySteps.allow(AS_TEST_IDENTITY, QuerySteps.PURPOSE + "/" + template);
        given().get("/api/v1/data-use-rules")
                .then()
                .statusCode(200)
                .body("", equalTo(List.of(QuerySteps.PURPOSE + "/" + template)));
        for (String limits : List.of(
                "{\"minGroupSize\":10,\"maxEpsilonPerQuery\":1.0,\"allowedAggregates\":[\"count\"]}",
                "{\"minGroupSize\":10,\"maxEpsilonPerQuery\":null,\"allowedAggregates\":[\"count\",\"mean\"],"
                        + "\"allowedFields\":[\"ageBand\"]}")) {
            given().contentType("application/json")
                    .body(limits)
                    .put("/api/v1/disclosure-limits")
                    .then()
                    .statusCode(200);
        }
        given().get("/api/v1/disclosure-limits")
                .then()
                .statusCode(200)
                .body("maxEpsilonPerQuery", nullValue())
                .body("allowedAggregates", equalTo(List.of("count", "mean")))
                .body("allowedFields", equalTo(List.of("ageBand")));
    }

    @Test
    @Order(2)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerProposesTheTemplateAndDepositsEscrow() {
        QuerySteps.proposeTemplate(AS_TEST_IDENTITY, template);
        QuerySteps.submit(AS_TEST_IDENTITY, template, INSURER)
                .then()
                .statusCode(409)
                .body("type", equalTo("https://medshare.example/problems/template-not-approved"));
        QuerySteps.deposit(AS_TEST_IDENTITY, ESCROW);
        given().get("/api/v1/payments/balances/me")
                .then()
                .statusCode(200)
                .body("organisation", equalTo(INSURER))
                .body("escrow", equalTo((int) ESCROW));
    }

    @Test
    @Order(3)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesTheTemplate() {
        QuerySteps.approveTemplate(AS_TEST_IDENTITY, template);
    }

    @Test
    @Order(4)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSubmitsQueriesAndMayNotApproveThem() {
        exactQuery = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, null);
        noisyQuery = QuerySteps.submitted(AS_TEST_IDENTITY, template, INSURER, "0.5");
        QuerySteps.approve(AS_TEST_IDENTITY, exactQuery).then().statusCode(403);
    }

    @Test
    @Order(5)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void regulatorApprovesTheEnclaveComputesOverTheRecordsWithConsentAndTheContractSettles() throws Exception {
        JsonNode signed = new ObjectMapper()
                .readTree(QuerySteps.approvedAndPaid(AS_TEST_IDENTITY, exactQuery, kept.size(), HOSPITAL)
                        .getString("signedResult"));
        assertEquals(3, signed.path("format").asInt());
        assertEquals(
                2,
                signed.path("consentExcludedRecords").asInt(),
                "the record whose consent was withdrawn and the record of the patient who revoked");
        assertEquals(64, signed.path("consentDigest").asText().length());
        QuerySteps.approve(AS_TEST_IDENTITY, exactQuery).then().statusCode(409);
        given().get("/api/v1/payments/balances/" + HOSPITAL)
                .then()
                .statusCode(200)
                .body("earned", equalTo(7));
        given().get("/api/v1/payments/payouts")
                .then()
                .statusCode(200)
                .body("findAll { it.queryId == '" + exactQuery + "' }.payee", equalTo(List.of(HOSPITAL)));

        assertTrue(
                QuarkusTransaction.requiringNew()
                        .call(() -> queries.budget(INSURER))
                        .isEmpty(),
                "a query without DP spends no budget");
        long computesBefore = computesOf(noisyQuery);
        ExecutorService twoRegulators = Executors.newFixedThreadPool(2);
        List<Response> answers = new ArrayList<>();
        try {
            for (Future<Response> f : twoRegulators.invokeAll(List.<Callable<Response>>of(
                    () -> QuerySteps.approve(AS_TEST_IDENTITY, noisyQuery),
                    () -> QuerySteps.approve(AS_TEST_IDENTITY, noisyQuery)))) {
                answers.add(f.get());
            }
        } finally {
            twoRegulators.shutdown();
        }
        answers.sort(Comparator.comparingInt(Response::statusCode));
        assertEquals(
                List.of(200, 409), answers.stream().map(Response::statusCode).toList(), "one approval runs");
        assertEquals(computesBefore + 1, computesOf(noisyQuery), "computed once");
        JsonPath noisy = answers.get(0)
                .then()
                .body("status", equalTo("COMPLETED"))
                .extract()
                .jsonPath();
        assertEquals(kept.size(), noisy.getInt("inputRecords"));
        assertNoisyCountsCarryTheirAccuracy(answers.get(0).asString());
        long[] budget = QuarkusTransaction.requiringNew()
                .call(() -> queries.budget(INSURER).orElseThrow());
        assertEquals(500_000, budget[0], "ε 0.5 spent");
        assertEquals(10_000_000, budget[1], "of the configured 10.0");
        QuarkusTransaction.requiringNew().run(() -> queries.refundBudget(INSURER, 500_000));
        assertEquals(
                0,
                QuarkusTransaction.requiringNew()
                        .call(() -> queries.budget(INSURER).orElseThrow())[0]);
        assertFalse(
                QuarkusTransaction.requiringNew().call(() -> queries.tryChargeBudget(INSURER, 10_000_001, 10_000_000)),
                "more than the budget is refused");
        given().get("/api/v1/payments/balances/" + HOSPITAL)
                .then()
                .statusCode(200)
                .body("earned", equalTo(14));

        List<Event> charged = ledger.entriesOfTypes(Set.of(EventType.BUDGET_CHARGED)).stream()
                .map(LedgerService.LedgerEntry::event)
                .filter(e -> e.id(Field.QUERY_ID).equals(noisyQuery))
                .toList();
        assertEquals(2, charged.size(), "the noisy query charged its insurer and its one hospital");
        assertEquals(INSURER, charged.get(0).id(Field.ORGANISATION));
        assertEquals("total", charged.get(0).id(Field.PERIOD), "the insurer's own budget spans all time");
        assertEquals(HOSPITAL, charged.get(1).id(Field.ORGANISATION));
        assertEquals(500_000, charged.get(1).amount(Field.EPSILON));
        String period = charged.get(1).id(Field.PERIOD);
        QuarkusTransaction.requiringNew().run(() -> {
            assertTrue(budgets.tryChargeHospital(HOSPITAL, period, 1));
            budgets.refundHospital(HOSPITAL, period, 1);
            assertEquals(Optional.empty(), budgets.ownLimit(HOSPITAL), "the hospital set no limit of its own");
        });
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("find { it.organisation == '" + HOSPITAL + "' }.spentMicros", equalTo(500_000))
                .body("find { it.organisation == '" + HOSPITAL + "' }.queries.queryId", equalTo(List.of(noisyQuery)))
                .body("find { it.organisation == '" + INSURER + "' }.kind", equalTo("insurer"));
    }

    @Test
    @Order(6)
    @TestSecurity(user = "ivan", roles = "insurer")
    @OidcSecurity(claims = @Claim(key = "org_id", value = INSURER))
    void insurerSeesTheResultAndPaidTheHospitalFromEscrow() {
        given().get("/api/v1/queries/" + exactQuery)
                .then()
                .statusCode(200)
                .body("status", equalTo("COMPLETED"))
                .body("payouts.organisation", equalTo(List.of(HOSPITAL)))
                .body("payouts.amount", equalTo(List.of(7)));
        given().get("/api/v1/payments/balances/me").then().statusCode(200).body("escrow", equalTo((int) ESCROW - 14));
    }

    @Test
    @Order(7)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(
            claims = {
                @Claim(key = "org_id", value = HOSPITAL),
                @Claim(key = "abe_attrs", value = "[\"role:physician\"]", type = ClaimType.JSON_ARRAY)
            })
    void hospitalEarnedFromTheQueriesAndItsClinicianGetsAKey() throws Exception {
        given().get("/api/v1/budgets")
                .then()
                .statusCode(200)
                .body("organisation", everyItem(equalTo(HOSPITAL)))
                .body("[0].spentMicros", equalTo(500_000))
                .body("[0].queries[0].chargedEntry", notNullValue());
        given().contentType("application/json")
                .body("{\"limit\":1000}")
                .put("/api/v1/budgets/own-limit")
                .then()
                .statusCode(200)
                .body("limitMicros", equalTo(1_000_000_000));
        given().contentType("application/json")
                .body("{\"warnAtPercent\":50}")
                .put("/api/v1/budgets/warning")
                .then()
                .statusCode(200)
                .body("warnAtPercent", equalTo(50))
                .body("nearlyExhausted", equalTo(false));
        given().get("/api/v1/payments/balances/me")
                .then()
                .statusCode(200)
                .body("organisation", equalTo(HOSPITAL))
                .body("earned", equalTo(14));
        given().get("/api/v1/queries/" + exactQuery).then().statusCode(403);

        Map<String, String> keyRequest = AuthorityKeys.testIdentityKeyRequest(HOSPITAL);
        // the ledger refuses the KEY_ISSUED event: no key, and the grant is given back
        OutageLedger outage = new OutageLedger(ledgerBackend);
        QuarkusMock.installMockForType(outage, LedgerService.class);
        outage.down(true);
        given().contentType("application/json")
                .body(keyRequest)
                .post("/api/v1/authority/keys")
                .then()
                .statusCode(503)
                .body("type", equalTo("https://medshare.example/problems/ledger-unavailable"));
        outage.down(false);
        JsonPath issued = given().contentType("application/json")
                .body(keyRequest)
                .post("/api/v1/authority/keys")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(List.of("org:" + HOSPITAL + "@2026Q4", "role:physician"), issued.getList("attributes"));
        try (Connection c = dataSource.getConnection();
                PreparedStatement s =
                        c.prepareStatement("select org_id, ledger_index from key_issue where key_id = ?")) {
            s.setString(1, issued.getString("keyId"));
            try (ResultSet r = s.executeQuery()) {
                r.next();
                assertEquals(HOSPITAL, r.getString(1));
                assertEquals(issued.getLong("receipt.index"), r.getLong(2), "the issue row records its ledger entry");
            }
        }
    }

    @Test
    @Order(8)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalErasesARecordAndNoNodeHoldsAShardOfIt() throws Exception {
        String erased = kept.get(0);
        String envelopeCid = given().get("/api/v1/records/" + erased)
                .then()
                .statusCode(200)
                .extract()
                .path("envelopeCid");
        Manifest manifest = store.manifest(Cid.parse(envelopeCid)).orElseThrow();
        List<Manifest.ShardRef> shards = new ArrayList<>();
        for (int s = 0; s < manifest.stripeCount(); s++) {
            shards.addAll(manifest.stripe(s));
        }
        for (Manifest.ShardRef ref : shards) {
            assertEquals(List.of(ref.nodeId()), topology.nodesHolding(ref.cid()), "stored before erasure");
        }

        long index = given().delete("/api/v1/records/" + erased)
                .then()
                .statusCode(200)
                .body("recordId", equalTo(erased))
                .extract()
                .jsonPath()
                .getLong("ledgerIndex");
        Event event = ledger.entries(index, 1).get(0).event();
        assertEquals(EventType.ERASED, event.type());
        assertEquals(HOSPITAL, event.id(Field.ACTOR));
        assertEquals(erased, event.id(Field.RECORD_ID));

        for (Manifest.ShardRef ref : shards) {
            assertEquals(List.of(), topology.nodesHolding(ref.cid()), "no node holds shard " + ref.cid());
        }
        assertTrue(store.manifest(Cid.parse(envelopeCid)).isEmpty());
        given().get("/api/v1/records/" + erased).then().statusCode(404);
        given().get("/api/v1/records/" + erased + "/ciphertext").then().statusCode(404);
        given().delete("/api/v1/records/" + erased).then().statusCode(404).contentType("application/problem+json");
        assertFalse(given().get("/api/v1/records")
                .then()
                .extract()
                .jsonPath()
                .getList("recordId")
                .contains(erased));
        assertTrue(
                recordService.statisticsInputsOpenableBy(Set.of("org:" + HOSPITAL + "@2026Q4")).stream()
                        .noneMatch(r -> r.recordId().equals(erased)),
                "gone from the records statistics read");
        assertTrue(
                recordService.statisticsInputsOpenableBy(Set.of("org:" + HOSPITAL + "@2026Q4")).stream()
                        .anyMatch(r -> r.recordId().equals(kept.get(1))),
                "the other records stay");
    }

    static final String OTHER_HOSPITAL = "hospital-flow-b";
    final String sharedPatient = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    String sharedRecord;
    long breakGlassIndex;

    @Test
    @Order(9)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void hospitalSharesARecordWithCardiologistsAndThePatientPermitsTreatmentElsewhere() throws Exception {
        HospitalClient hospital = HospitalClient.registered(HOSPITAL, null);
        Upload upload = hospital.upload(
                run + "-shared",
                "org:" + HOSPITAL + "@2026Q4 OR (dept:cardiology@2026Q4 AND role:physician)",
                "{\"resourceType\":\"Bundle\"}");
        upload.tags.put("patient", sharedPatient);
        sharedRecord = upload.post().then().statusCode(201).extract().path("record.recordId");
        String consentId = given().queryParam("patient", sharedPatient)
                .get("/api/v1/fhir/Consent")
                .then()
                .statusCode(200)
                .extract()
                .path("entry[0].resource.id");
        given().contentType("application/json")
                .body("{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\"],\"organisations\":[\""
                        + OTHER_HOSPITAL + "\"],\"start\":null,\"end\":null}]}")
                .put("/api/v1/consents/" + consentId + "/provisions")
                .then()
                .statusCode(200)
                .body("version", equalTo(2));
    }

    @Test
    @Order(10)
    @TestSecurity(user = "cora", roles = "hospital")
    @OidcSecurity(
            claims = {
                @Claim(key = "org_id", value = OTHER_HOSPITAL),
                @Claim(
                        key = "abe_attrs",
                        value = "[\"role:physician\",\"dept:cardiology@2026Q4\"]",
                        type = ClaimType.JSON_ARRAY)
            })
    void aCardiologistElsewhereFindsAndReceivesItAndAnEmergencyReleaseIsBreakGlass() {
        given().queryParam("patient", sharedPatient)
                .get("/api/v1/records/search")
                .then()
                .statusCode(200)
                .body("recordId", hasItem(sharedRecord));
        given().queryParam("purpose", "TREAT")
                .get("/api/v1/records/" + sharedRecord + "/ciphertext")
                .then()
                .statusCode(200);
        long before = ledger.size();
        given().queryParam("purpose", "ETREAT")
                .queryParam("reason", "unconscious patient in the emergency department")
                .get("/api/v1/records/" + sharedRecord + "/ciphertext")
                .then()
                .statusCode(200);
        breakGlassIndex = ledger.entriesOfTypes(Set.of(EventType.BREAK_GLASS)).stream()
                .mapToLong(LedgerService.LedgerEntry::index)
                .filter(i -> i >= before)
                .max()
                .orElseThrow(() -> new AssertionError("no BREAK_GLASS event for the emergency release"));
    }

    @Test
    @Order(11)
    @TestSecurity(user = "rita", roles = "regulator")
    @OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
    void theRegulatorReviewsTheEmergencyRelease() {
        given().get("/api/v1/break-glass").then().statusCode(200).body("ledgerIndex", hasItem((int) breakGlassIndex));
        given().contentType("application/json")
                .body("{\"note\":\"checked with the hospital\"}")
                .post("/api/v1/break-glass/" + breakGlassIndex + "/review")
                .then()
                .statusCode(200)
                .body("changed", equalTo(true));
    }

    @Test
    @Order(12)
    @TestSecurity(user = "hana", roles = "hospital")
    @OidcSecurity(claims = @Claim(key = "org_id", value = HOSPITAL))
    void theHospitalSeesBothReleasesAndProvesThemInTheLedger() {
        List<Integer> releases = given().queryParam("limit", 1000)
                .get("/api/v1/records/access")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.recordId == '" + sharedRecord + "' }.ledgerIndex");
        assertEquals(2, releases.size(), "the TREAT and the ETREAT release");
        for (int index : releases) {
            given().get("/api/v1/records/access/" + index + "/proof")
                    .then()
                    .statusCode(200)
                    .body("entry.index", equalTo(index));
        }
    }

    /**
     * Every released count of the ε = 0.5 query (L = 1: discrete Laplace scale 2) carries its accuracy in the signed
     * document and, relayed, in the result object: mechanism, scale, half-width and the 95% interval around it.
     */
    private static void assertNoisyCountsCarryTheirAccuracy(String view) throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode query = json.readTree(view);
        double h = Accuracy.laplaceHalfWidth(2.0, 0.05);
        for (JsonNode document : List.of(
                query.path("result"), json.readTree(query.path("signedResult").asText()))) {
            assertEquals(3, document.path("format").asInt());
            assertTrue(document.path("groups").size() > 0, document.toString());
            for (JsonNode group : document.path("groups")) {
                double count = group.path("values").path("count").asDouble();
                JsonNode accuracy = group.path("accuracy").path("count");
                assertEquals("discreteLaplace", accuracy.path("mechanism").asText(), group.toString());
                assertEquals(2.0, accuracy.path("scale").asDouble(), "L / ε = 1 / 0.5");
                assertEquals(h, accuracy.path("halfWidth").asDouble());
                assertEquals(0.95, accuracy.path("confidence").asDouble());
                assertEquals(count - h, accuracy.path("lower").asDouble());
                assertEquals(count + h, accuracy.path("upper").asDouble());
            }
        }
    }

    private long computesOf(String queryId) {
        return ledger.entriesOfTypes(Set.of(EventType.COMPUTE)).stream()
                .filter(e -> e.event().id(Field.QUERY_ID).equals(queryId))
                .count();
    }
}
