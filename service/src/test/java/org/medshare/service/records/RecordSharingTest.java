package org.medshare.service.records;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.abe.Envelope;
import org.medshare.abe.UserKey;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.service.badinput.CorpusState;
import org.medshare.service.badinput.StateSnapshot;
import org.medshare.service.consent.service.ConsentIds;
import org.medshare.service.enclave.EnclaveGateway;
import org.medshare.service.identity.Caller;
import org.medshare.service.identity.service.Suspensions;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.records.service.RecordRelease;
import org.medshare.service.testing.AuthorityKeys;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.PlaintextSearch;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * Sharing records across hospitals with real tokens: hospital-a's records under a policy satisfied by bob (hospital-b,
 * cardiology) or not, for patients whose consent permits hospital-b, denies it or says nothing, requested with no
 * purpose, TREAT or ETREAT. Every refusal answers 403 problem+json naming the failed check, changes no table, file or
 * ledger entry, and counts in the refusal metric; every release is one ACCESS event (and an emergency one without
 * consent also BREAK_GLASS, queued for the regulator).
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class RecordSharingTest {

    static final String SATISFIED = "org:hospital-b@2026Q4 AND dept:cardiology@2026Q4";
    static final String NOT_SATISFIED = "role:physician AND dept:oncology@2026Q4";
    static final String REASON = "patient unconscious in our emergency room, history needed";
    static final Caller RITA =
            new Caller("rita", new TreeSet<>(java.util.Set.of("regulator")), "regulator-nhc", new TreeSet<>());

    @Inject
    LedgerService ledger;

    @Inject
    CorpusState state;

    @Inject
    MeterRegistry meters;

    @Inject
    Suspensions suspensions;

    @Inject
    EnclaveGateway gateway;

    @Inject
    AgroalDataSource dataSource;

    @ConfigProperty(name = "medshare.data-dir")
    String dataDir;

    String alice;
    String bob;
    String arthur;
    String rita;
    HospitalClient a;

    @BeforeEach
    void tokens() throws Exception {
        alice = KeycloakTokens.user("alice");
        bob = KeycloakTokens.user("bob");
        arthur = KeycloakTokens.user("arthur");
        rita = KeycloakTokens.user("rita");
        a = HospitalClient.registered("hospital-a", alice);
        state.snapshot(); // the first look at the contract deploys it (one CONTRACT_CALL): before any comparison
    }

    /** One uploaded record of the matrix. */
    record Shared(String id, byte[] envelope) {}

    private Shared upload(String policy, String patient) {
        Upload u = a.upload("share-" + UUID.randomUUID(), policy, "{\"resourceType\":\"Bundle\"}");
        u.tags.put("patient", patient);
        String id = u.post().then().statusCode(201).extract().path("record.recordId");
        return new Shared(id, u.envelope);
    }

    private static String newPatient() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    private void provisions(String patient, String body) {
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body(body)
                .put("/api/v1/consents/" + ConsentIds.of("hospital-a", patient) + "/provisions")
                .then()
                .statusCode(200)
                .body("changed", equalTo(true));
    }

    private static Response ciphertext(String token, String record, String purpose, String reason) {
        var request = given().auth().oauth2(token);
        if (purpose != null) {
            request.queryParam("purpose", purpose);
        }
        if (reason != null) {
            request.queryParam("reason", reason);
        }
        return request.get("/api/v1/records/" + record + "/ciphertext");
    }

    private double refusals(String kind) {
        return meters.counter(RecordRelease.REFUSED, "reason", kind).count();
    }

    /** The request is refused with 403 {@code kind}, counted once, and changes nothing. */
    private void refused(String token, String record, String purpose, String reason, String kind) {
        StateSnapshot before = state.snapshot();
        double counted = refusals(kind);
        ciphertext(token, record, purpose, reason)
                .then()
                .statusCode(403)
                .contentType("application/problem+json")
                .body("type", equalTo("https://medshare.example/problems/" + kind));
        assertEquals(counted + 1, refusals(kind), kind + " is counted");
        assertEquals(List.of(), before.differences(state.snapshot()), kind + ": a refusal changes nothing");
    }

    /** The request is answered with the envelope, after exactly the expected events. */
    private List<Event> released(
            String token,
            String organisation,
            Shared record,
            String purpose,
            String reason,
            String expectedPurpose,
            boolean breakGlass) {
        long before = ledger.size();
        byte[] body = ciphertext(token, record.id(), purpose, reason)
                .then()
                .statusCode(200)
                .extract()
                .asByteArray();
        assertArrayEquals(record.envelope(), body);
        List<Event> events =
                ledger.entries(before, 10).stream().map(e -> e.event()).toList();
        List<Event> mine = events.stream()
                .filter(e ->
                        record.id().equals(e.type().fields().contains(Field.RECORD_ID) ? e.id(Field.RECORD_ID) : null))
                .toList();
        assertEquals(breakGlass ? 2 : 1, mine.size(), "events of the release: " + mine);
        Event access = mine.get(0);
        assertEquals(EventType.ACCESS, access.type());
        assertTrue(access.id(Field.ACTOR).startsWith(organisation + ":"), access.id(Field.ACTOR));
        assertEquals(expectedPurpose, access.id(Field.PURPOSE));
        if (breakGlass) {
            assertEquals(EventType.BREAK_GLASS, mine.get(1).type());
            assertEquals(access.id(Field.ACTOR), mine.get(1).id(Field.ACTOR));
            assertEquals("ETREAT", mine.get(1).id(Field.PURPOSE));
        }
        return mine;
    }

    @Test
    void theReleaseMatrix() {
        String permitting = newPatient();
        String denying = newPatient();
        String silent = newPatient();
        Map<String, Shared> satisfied = Map.of(
                "permit", upload(SATISFIED, permitting),
                "deny", upload(SATISFIED, denying),
                "none", upload(SATISFIED, silent));
        Map<String, Shared> unsatisfied = Map.of(
                "permit", upload(NOT_SATISFIED, permitting),
                "deny", upload(NOT_SATISFIED, denying),
                "none", upload(NOT_SATISFIED, silent));
        provisions(
                permitting,
                "{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\",\"ETREAT\"],"
                        + "\"organisations\":[\"hospital-b\"]}]}");
        provisions(denying, "{\"provisions\":[{\"type\":\"deny\",\"organisations\":[\"hospital-b\"]}]}");

        for (String consent : List.of("permit", "deny", "none")) {
            for (Map<String, Shared> byConsent : List.of(satisfied, unsatisfied)) {
                refused(bob, byConsent.get(consent).id(), null, null, "purpose-required");
            }
            refused(bob, unsatisfied.get(consent).id(), "TREAT", null, "policy-not-satisfied");
            refused(bob, unsatisfied.get(consent).id(), "ETREAT", REASON, "policy-not-satisfied");
        }
        refused(bob, satisfied.get("deny").id(), "TREAT", null, "consent-denied");
        refused(bob, satisfied.get("deny").id(), "ETREAT", REASON, "consent-denied");
        refused(bob, satisfied.get("none").id(), "TREAT", null, "consent-not-granted");
        refused(bob, satisfied.get("none").id(), "HPAYMT", null, "consent-not-granted");
        refused(bob, satisfied.get("permit").id(), "HPAYMT", null, "consent-not-granted");
        refused(bob, satisfied.get("none").id(), "ETREAT", null, "reason-required");
        refused(bob, satisfied.get("permit").id(), "ETREAT", null, "reason-required");

        suspensions.suspend(RITA, "hospital-b", "investigation");
        try {
            refused(bob, satisfied.get("permit").id(), "TREAT", null, "organisation-suspended");
            refused(bob, satisfied.get("none").id(), "ETREAT", REASON, "organisation-suspended");
        } finally {
            suspensions.reinstate(RITA, "hospital-b");
        }

        released(bob, "hospital-b", satisfied.get("permit"), "TREAT", null, "TREAT:consent-v2", false);
        released(bob, "hospital-b", satisfied.get("permit"), "ETREAT", REASON, "ETREAT:consent-v2", false);
        List<Event> glass =
                released(bob, "hospital-b", satisfied.get("none"), "ETREAT", REASON, "ETREAT:consent-v1", true);

        // the owner keeps its access: no purpose needed, none of the other organisations' checks
        released(arthur, "hospital-a", satisfied.get("deny"), null, null, RecordRelease.OWNER_DOWNLOAD, false);
        released(alice, "hospital-a", unsatisfied.get("none"), "TREAT", null, "TREAT", false);

        // the regulator's queue holds the break-glass release, with the reason whose salted hash is on the ledger
        long glassIndex = ledger.size();
        for (var e : ledger.entries(Math.max(0, ledger.size() - 20), 20)) {
            if (e.event().type() == EventType.BREAK_GLASS
                    && e.event()
                            .id(Field.RECORD_ID)
                            .equals(satisfied.get("none").id())) {
                glassIndex = e.index();
            }
        }
        long index = glassIndex;
        List<Map<String, Object>> pending = given().auth()
                .oauth2(rita)
                .queryParam("limit", 1000)
                .get("/api/v1/break-glass")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.ledgerIndex == " + index + "L || it.ledgerIndex == " + index + " }");
        assertEquals(1, pending.size(), "the case is pending review");
        Map<String, Object> queued = pending.get(0);
        assertEquals(REASON, queued.get("reason"));
        assertEquals(satisfied.get("none").id(), queued.get("recordId"));
        assertEquals("hospital-b", queued.get("organisation"));
        assertEquals("hospital-a", queued.get("owner"));
        assertEquals(
                HexFormat.of()
                        .formatHex(SaltedHash.of(
                                "reason",
                                HexFormat.of().parseHex((String) queued.get("reasonSalt")),
                                REASON.getBytes(StandardCharsets.UTF_8))),
                HexFormat.of().formatHex(glass.get(1).hash(Field.REASON_HASH)));
        given().auth().oauth2(bob).get("/api/v1/break-glass").then().statusCode(403);

        long size = ledger.size();
        given().auth()
                .oauth2(rita)
                .contentType("application/json")
                .body("{\"note\":\"justified: emergency admission confirmed\"}")
                .post("/api/v1/break-glass/" + index + "/review")
                .then()
                .statusCode(200)
                .body("changed", equalTo(true))
                .body("breakGlass.reviewNote", equalTo("justified: emergency admission confirmed"));
        given().auth()
                .oauth2(rita)
                .contentType("application/json")
                .body("{\"note\":null}")
                .post("/api/v1/break-glass/" + index + "/review")
                .then()
                .statusCode(200)
                .body("changed", equalTo(false))
                .body("breakGlass.reviewNote", equalTo("justified: emergency admission confirmed"));
        assertEquals(size, ledger.size(), "a review appends nothing");
        List<Object> stillPending = given().auth()
                .oauth2(rita)
                .queryParam("limit", 1000)
                .get("/api/v1/break-glass")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.ledgerIndex == " + index + " }");
        assertTrue(stillPending.isEmpty(), "reviewed cases leave the pending queue");
        List<Object> all = given().auth()
                .oauth2(rita)
                .queryParam("state", "all")
                .queryParam("limit", 1000)
                .get("/api/v1/break-glass")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.ledgerIndex == " + index + " }.reviewedBy");
        assertEquals(1, all.size());
        assertTrue(((String) all.get(0)).startsWith("regulator-nhc:"));

        // hospital-a sees who opened its records; hospital-b does not see hospital-a's
        List<Map<String, Object>> accesses = given().auth()
                .oauth2(alice)
                .queryParam("limit", 1000)
                .get("/api/v1/records/access")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.recordId == '" + satisfied.get("none").id() + "' }");
        assertEquals(1, accesses.size());
        Map<String, Object> seen = accesses.get(0);
        assertEquals("hospital-b", seen.get("organisation"));
        assertEquals("ETREAT", seen.get("purpose"));
        assertEquals("v1", seen.get("consentVersions"));
        assertEquals(true, seen.get("breakGlass"));
        assertEquals(index - 1, ((Number) seen.get("ledgerIndex")).longValue(), "the ACCESS just before BREAK_GLASS");
        List<Object> ownerDownload = given().auth()
                .oauth2(alice)
                .queryParam("limit", 1000)
                .get("/api/v1/records/access")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.recordId == '" + satisfied.get("deny").id() + "' }.purpose");
        assertEquals(java.util.Collections.singletonList(null), ownerDownload);
        List<Object> bobSees = given().auth()
                .oauth2(bob)
                .queryParam("limit", 1000)
                .get("/api/v1/records/access")
                .then()
                .statusCode(200)
                .extract()
                .path("findAll { it.owner == 'hospital-a' }");
        assertTrue(bobSees.isEmpty(), "another hospital's accesses are not listed");

        // the owner checks, on its side, that the release is in the log: the ACCESS event and its inclusion proof
        long accessIndex = index - 1;
        io.restassured.path.json.JsonPath proof = given().auth()
                .oauth2(alice)
                .get("/api/v1/records/access/" + accessIndex + "/proof")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        byte[] encoded = Base64.getDecoder().decode(proof.getString("entry.encoded"));
        Event access = assertDoesNotThrow(() -> EventCodec.decode(encoded));
        assertEquals(EventType.ACCESS, access.type());
        assertEquals(satisfied.get("none").id(), access.id(Field.RECORD_ID));
        TreeHasher sha256 = TreeHasher.sha256();
        byte[] leaf = sha256.hashLeaf(encoded);
        assertArrayEquals(leaf, Base64.getDecoder().decode(proof.getString("receipt.leafHash")));
        SignedCheckpoint checkpoint =
                assertDoesNotThrow(() -> SignedCheckpoint.parse(proof.getString("receipt.checkpoint"), 32));
        assertDoesNotThrow(() -> MerkleProofs.verifyInclusion(
                sha256,
                accessIndex,
                proof.getLong("receipt.treeSize"),
                leaf,
                proof.getList("receipt.inclusionProof", String.class).stream()
                        .map(Base64.getDecoder()::decode)
                        .toList(),
                checkpoint.checkpoint().rootHash()));
        for (String[] notYours : new String[][] {{bob, String.valueOf(accessIndex)}, {alice, String.valueOf(index)}}) {
            given().auth()
                    .oauth2(notYours[0])
                    .get("/api/v1/records/access/" + notYours[1] + "/proof")
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json");
        }
    }

    @Test
    void consentProvisionsAreVersionedShownAsFhirAndDecideByPeriodAndOrganisation() {
        String patient = newPatient();
        Shared record = upload(SATISFIED, patient);
        String consent = ConsentIds.of("hospital-a", patient);
        given().auth()
                .oauth2(alice)
                .get("/api/v1/consents/" + consent)
                .then()
                .statusCode(200)
                .body("version", equalTo(1))
                .body("active", equalTo(true))
                .body("provisions.size()", equalTo(0));
        // permitted only in the past, and only to another organisation now: neither permits hospital-b today
        provisions(
                patient,
                "{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\"],\"organisations\":[\"hospital-b\"],"
                        + "\"start\":\"2020-01-01T00:00:00Z\",\"end\":\"2021-01-01T00:00:00Z\"},"
                        + "{\"type\":\"permit\",\"purposes\":[\"TREAT\"],\"organisations\":[\"hospital-c\"]}]}");
        refused(bob, record.id(), "TREAT", null, "consent-not-granted");
        String body =
                "{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\"],\"organisations\":[\"hospital-b\"],"
                        + "\"start\":\"2020-01-01T00:00:00Z\"},"
                        + "{\"type\":\"deny\",\"purposes\":[\"TREAT\"],\"start\":\"2099-01-01T00:00:00Z\"}]}";
        long beforeChange = ledger.size();
        provisions(patient, body);
        Event changed = ledger.entries(beforeChange, 10).stream()
                .map(e -> e.event())
                .filter(e -> e.type() == EventType.CONSENT_CHANGED)
                .findFirst()
                .orElseThrow();
        assertEquals("consent:" + consent, changed.id(Field.RECORD_ID));
        assertTrue(changed.id(Field.ACTOR).startsWith("hospital-a:"), changed.id(Field.ACTOR));
        assertEquals(3, changed.amount(Field.CONSENT_VERSION));
        String salt = given().auth()
                .oauth2(alice)
                .get("/api/v1/consents/" + consent)
                .then()
                .statusCode(200)
                .body("version", equalTo(3))
                .extract()
                .path("provisionsSalt");
        String canonical = "permit|TREAT|hospital-b|1577836800000|\ndeny|TREAT||4070908800000|\n";
        assertArrayEquals(
                SaltedHash.of("provisions", HexFormat.of().parseHex(salt), canonical.getBytes(StandardCharsets.UTF_8)),
                changed.hash(Field.PROVISIONS_HASH),
                "the hospital's salt and provisions reproduce the ledger's hash");
        long afterChange = ledger.size();
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body(body)
                .put("/api/v1/consents/" + consent + "/provisions")
                .then()
                .statusCode(200)
                .body("changed", equalTo(false))
                .body("version", equalTo(3));
        assertEquals(afterChange, ledger.size(), "the same provisions again append nothing");
        released(bob, "hospital-b", record, "TREAT", null, "TREAT:consent-v3", false);

        String fhir = given().auth()
                .oauth2(alice)
                .get("/api/v1/fhir/Consent/" + consent)
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .extract()
                .asString();
        var parsed = ca.uhn.fhir.context.FhirContext.forR4()
                .newJsonParser()
                .setParserErrorHandler(new ca.uhn.fhir.parser.StrictErrorHandler())
                .parseResource(org.hl7.fhir.r4.model.Consent.class, fhir);
        assertEquals("3", parsed.getMeta().getVersionId());
        var nested = parsed.getProvision().getProvision();
        assertEquals(2, nested.size());
        assertEquals(
                org.hl7.fhir.r4.model.Consent.ConsentProvisionType.PERMIT,
                nested.get(0).getType());
        assertEquals(
                "Organization/hospital-b",
                nested.get(0).getActorFirstRep().getReference().getReference());
        assertEquals(
                "IRCP",
                nested.get(0).getActorFirstRep().getRole().getCodingFirstRep().getCode());
        assertEquals("TREAT", nested.get(0).getPurposeFirstRep().getCode());
        assertEquals(
                org.hl7.fhir.r4.model.Consent.ConsentProvisionType.DENY,
                nested.get(1).getType());
        assertFalse(nested.get(1).hasActor(), "a deny for every organisation names none");

        // revoking stays idempotent, raises the version once, and freezes the provisions
        given().auth()
                .oauth2(alice)
                .urlEncodingEnabled(false)
                .post("/api/v1/fhir/Consent/" + consent + "/$revoke")
                .then()
                .statusCode(200)
                .body("meta.versionId", equalTo("4"));
        given().auth()
                .oauth2(alice)
                .urlEncodingEnabled(false)
                .post("/api/v1/fhir/Consent/" + consent + "/$revoke")
                .then()
                .statusCode(200)
                .body("meta.versionId", equalTo("4"));
        refused(bob, record.id(), "TREAT", null, "consent-revoked");
        refused(bob, record.id(), "ETREAT", REASON, "consent-revoked");
        refused(alice, record.id(), null, null, "consent-revoked");
        StateSnapshot before = state.snapshot();
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body("{\"provisions\":[]}")
                .put("/api/v1/consents/" + consent + "/provisions")
                .then()
                .statusCode(409)
                .body("type", equalTo("https://medshare.example/problems/consent-revoked"));
        assertEquals(List.of(), before.differences(state.snapshot()));
        given().auth().oauth2(bob).get("/api/v1/consents/" + consent).then().statusCode(404);
    }

    /**
     * Released records stay ciphertext at the service: two records whose bundles hold canaries are released to bob
     * (one with consent, one in an emergency), bob opens both with his own key from the authority and finds the
     * canary, and then no canary, token or emergency reason is anywhere in the database, the shards, the ledger, the
     * enclave state or the logs.
     */
    @Test
    void releasedRecordsLeaveNoPlaintextAtTheService() throws Exception {
        String patient = newPatient();
        List<String> canaries = new ArrayList<>();
        List<Shared> records = new ArrayList<>();
        for (String purpose : List.of("TREAT", "ETREAT")) {
            String canary = "CANARY-" + purpose + "-" + UUID.randomUUID();
            canaries.add(canary);
            Upload u = a.upload(
                    "canary-" + UUID.randomUUID(),
                    SATISFIED,
                    "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"resource\":"
                            + "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"" + canary + "\"}]}}]}");
            u.tags.put("patient", purpose.equals("TREAT") ? patient : newPatient());
            records.add(new Shared(u.post().then().statusCode(201).extract().path("record.recordId"), u.envelope));
        }
        provisions(
                patient,
                "{\"provisions\":[{\"type\":\"permit\",\"purposes\":[\"TREAT\"],"
                        + "\"organisations\":[\"hospital-b\"]}]}");
        released(bob, "hospital-b", records.get(0), "TREAT", null, "TREAT:consent-v2", false);
        released(bob, "hospital-b", records.get(1), "ETREAT", REASON, "ETREAT:consent-v1", true);

        UserKey bobsKey =
                AuthorityKeys.request(bob, gateway.trustFile(), List.of()).key();
        for (int i = 0; i < records.size(); i++) {
            String opened = new String(Envelope.decrypt(bobsKey, records.get(i).envelope()), StandardCharsets.UTF_8);
            assertTrue(opened.contains(canaries.get(i)), "bob opens what he was released");
        }
        List<String> secrets = new ArrayList<>(canaries);
        secrets.addAll(List.of(alice, bob, arthur, rita));
        PlaintextSearch.assertAbsent(secrets, dataSource, Path.of(dataDir), Path.of("target/test-logs"));
    }

    @Test
    void discoveryByPseudonymListsWhatTheCallersAttributesOpenAndTheStatementToCheckIt() {
        String patient = newPatient();
        Shared cardiology = upload(SATISFIED, patient);
        Shared oncology = upload(NOT_SATISFIED, patient);
        upload(SATISFIED, newPatient());

        List<String> bobFinds = given().auth()
                .oauth2(bob)
                .queryParam("patient", patient)
                .get("/api/v1/records/search")
                .then()
                .statusCode(200)
                .extract()
                .path("recordId");
        assertEquals(List.of(cardiology.id()), bobFinds);
        List<String> arthurFinds = given().auth()
                .oauth2(arthur)
                .queryParam("patient", patient)
                .get("/api/v1/records/search")
                .then()
                .statusCode(200)
                .extract()
                .path("recordId");
        assertEquals(List.of(oncology.id()), arthurFinds);

        String fhir = given().auth()
                .oauth2(bob)
                .queryParam("patient", "Patient/" + patient)
                .get("/api/v1/fhir/DocumentReference")
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .extract()
                .asString();
        var bundle = ca.uhn.fhir.context.FhirContext.forR4()
                .newJsonParser()
                .setParserErrorHandler(new ca.uhn.fhir.parser.StrictErrorHandler())
                .parseResource(org.hl7.fhir.r4.model.Bundle.class, fhir);
        assertEquals(1, bundle.getTotal());
        var document = (org.hl7.fhir.r4.model.DocumentReference)
                bundle.getEntryFirstRep().getResource();
        assertEquals(cardiology.id(), document.getIdElement().getIdPart());
        assertEquals(
                "/api/v1/records/" + cardiology.id() + "/ciphertext",
                document.getContentFirstRep().getAttachment().getUrl());
        assertEquals("Organization/hospital-a", document.getCustodian().getReference());

        Response page = given().auth()
                .oauth2(bob)
                .queryParam("patient", patient)
                .queryParam("limit", 1)
                .get("/api/v1/records/search");
        page.then().statusCode(200);
        assertNull(page.header("X-Next-From"), "one match, one page");

        Map<String, Object> statement = given().auth()
                .oauth2(bob)
                .get("/api/v1/records/" + cardiology.id() + "/statement")
                .then()
                .statusCode(200)
                .body("organisation", equalTo("hospital-a"))
                .body("policy", equalTo(SATISFIED))
                .body("envelopeBytes", equalTo(cardiology.envelope().length))
                .body("tags.patient", equalTo(patient))
                .extract()
                .path("$");
        assertTrue(((String) statement.get("signingPublicKey")).length() > 40);
        var upload = new org.medshare.abe.sign.UploadStatement(
                "hospital-a",
                (String) statement.get("idempotencyKey"),
                SATISFIED,
                org.medshare.abe.sign.UploadStatement.sha256(cardiology.envelope()),
                org.medshare.store.Cid.parse((String) statement.get("rowsCid")).digest(),
                castTags(statement.get("tags")));
        assertTrue(
                upload.verify(
                        publicKey((String) statement.get("signingPublicKey")),
                        java.util.Base64.getDecoder().decode((String) statement.get("signature"))),
                "the statement lets the clinician check the hospital's signature");
        given().auth()
                .oauth2(bob)
                .get("/api/v1/records/" + oncology.id() + "/statement")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://medshare.example/problems/policy-not-satisfied"));
    }

    @Test
    void policyPreviewNamesWhoCouldOpenARecord() {
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body("{\"policy\":\"org:hospital-b@2026Q4 AND dept:cardiology@2026Q4\"}")
                .post("/api/v1/policies/preview")
                .then()
                .statusCode(200)
                .body("organisations", equalTo(List.of("hospital-b")))
                .body("departments", equalTo(List.of("cardiology@2026Q4")))
                .body("anyOrganisation", equalTo(false))
                .body("satisfyingSets", equalTo(List.of(List.of("dept:cardiology@2026Q4", "org:hospital-b@2026Q4"))));
        given().auth()
                .oauth2(alice)
                .contentType("application/json")
                .body("{\"policy\":\"(org:hospital-a@2026Q4 AND role:physician) OR dept:cardiology@2026Q4 OR "
                        + "purpose:insurance-stats@2026Q4\"}")
                .post("/api/v1/policies/preview")
                .then()
                .statusCode(200)
                .body("organisations", equalTo(List.of("hospital-a")))
                .body("roles", equalTo(List.of("physician")))
                .body("purposes", equalTo(List.of("insurance-stats@2026Q4")))
                .body("anyOrganisation", equalTo(true))
                .body("satisfyingSets.size()", equalTo(3));
    }

    @SuppressWarnings("unchecked")
    private static java.util.SortedMap<String, String> castTags(Object tags) {
        return new java.util.TreeMap<>((Map<String, String>) tags);
    }

    private static java.security.PublicKey publicKey(String base64) {
        try {
            byte[] der = java.util.Base64.getDecoder().decode(base64);
            return java.security.KeyFactory.getInstance("Ed25519")
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(der));
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
