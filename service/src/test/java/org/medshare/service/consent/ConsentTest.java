package org.medshare.service.consent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.HospitalClient;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.KeycloakTokens;
import org.medshare.service.testing.RealKeycloakProfile;

/**
 * FHIR Consent per (hospital, pseudonymous patient) with real tokens: found by the patient reference the
 * hospital disclosed in its signed upload tag, readable only by its own hospital, and {@code $revoke} excludes
 * every record of the patient — present and future — from queries and ciphertext release, once (idempotent).
 */
@QuarkusTest
@Tag("keycloak")
@TestProfile(RealKeycloakProfile.class)
class ConsentTest {

    /** No purpose attribute: these records must not become inputs of other tests' queries. */
    static final String POLICY = "org:hospital-a@2026Q4 AND role:physician";

    static final FhirContext FHIR = FhirContext.forR4();

    @Inject
    LedgerService ledger;

    @Inject
    ConsentService consents;

    @Inject
    AgroalDataSource db;

    static IParser strict() {
        return FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
    }

    /** {@code POST .../$revoke} with the {@code $} sent literally, as FHIR clients do. */
    static Response revoke(String token, String id) {
        return given().urlEncodingEnabled(false).auth().oauth2(token).post("/api/v1/fhir/Consent/" + id + "/$revoke");
    }

    @Test
    void revokingAPatientsConsentExcludesAllTheirRecordsOnceAndOnlyAtThatHospital() throws Exception {
        String alice = KeycloakTokens.user("alice");
        String bob = KeycloakTokens.user("bob");
        String patient = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String other = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        String run = patient.substring(0, 8);
        HospitalClient a = hospitalA(alice);
        String first = upload(a, run + "-1", patient);
        String second = upload(a, run + "-2", patient);
        String unrelated = upload(a, run + "-3", other);

        Bundle found = strict().parseResource(
                        Bundle.class,
                        given().auth()
                                .oauth2(alice)
                                .queryParam("patient", "Patient/" + patient)
                                .get("/api/v1/fhir/Consent")
                                .then()
                                .statusCode(200)
                                .contentType("application/fhir+json")
                                .extract()
                                .asString());
        assertEquals(1, found.getEntry().size());
        assertEquals(
                "https://medshare.example/fhir/Consent/"
                        + found.getEntryFirstRep().getResource().getIdElement().getIdPart(),
                found.getEntryFirstRep().getFullUrl());
        Consent consent = (Consent) found.getEntryFirstRep().getResource();
        String id = consent.getIdElement().getIdPart();
        assertEquals(Consent.ConsentState.ACTIVE, consent.getStatus());
        assertEquals("Patient/" + patient, consent.getPatient().getReference());
        assertEquals(
                "Organization/hospital-a", consent.getOrganizationFirstRep().getReference());
        assertEquals("patient-privacy", consent.getScope().getCodingFirstRep().getCode());

        given().auth()
                .oauth2(bob)
                .get("/api/v1/fhir/Consent/" + id)
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertEquals(
                0,
                strict().parseResource(
                                Bundle.class,
                                given().auth()
                                        .oauth2(bob)
                                        .queryParam("patient", patient)
                                        .get("/api/v1/fhir/Consent")
                                        .then()
                                        .statusCode(200)
                                        .extract()
                                        .asString())
                        .getEntry()
                        .size(),
                "another hospital sees none of hospital-a's consents");
        long before = ledger.size();
        revoke(bob, id).then().statusCode(404).contentType("application/problem+json");
        assertEquals(before, ledger.size());
        assertFalse(revoked().contains(first));

        Consent revoked = strict().parseResource(
                        Consent.class,
                        revoke(alice, id)
                                .then()
                                .statusCode(200)
                                .contentType("application/fhir+json")
                                .extract()
                                .asString());
        assertEquals(Consent.ConsentState.INACTIVE, revoked.getStatus());
        assertTrue(revoked.getProvision().getPeriod().hasEnd());
        assertEquals(before + 1, ledger.size());
        Event event = ledger.entries(before, 1).get(0).event();
        assertEquals(EventType.CONSENT_REVOKED, event.type());
        assertEquals("consent:" + id, event.id(Field.RECORD_ID));
        assertFalse(event.toString().contains(patient), "the patient reference only as a salted hash");
        assertArrayEquals(
                SaltedHash.of(
                        "subject",
                        salt("patient_consent_revocation", "consent_id", id),
                        patient.getBytes(StandardCharsets.UTF_8)),
                event.hash(Field.SUBJECT_HASH));

        revoke(alice, id).then().statusCode(200).body("status", equalTo("inactive"));
        assertEquals(before + 1, ledger.size(), "revoking again changes nothing");
        given().auth()
                .oauth2(alice)
                .get("/api/v1/fhir/Consent/" + id)
                .then()
                .statusCode(200)
                .body("status", equalTo("inactive"));

        assertTrue(revoked().containsAll(List.of(first, second)));
        assertFalse(revoked().contains(unrelated));
        String later = upload(a, run + "-4", patient);
        assertTrue(revoked().contains(later), "a record uploaded after the revocation is excluded too");
        for (String record : List.of(first, second, later)) {
            given().auth()
                    .oauth2(alice)
                    .get("/api/v1/records/" + record + "/ciphertext")
                    .then()
                    .statusCode(403)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/consent-revoked"));
        }
        given().auth()
                .oauth2(alice)
                .get("/api/v1/records/" + unrelated + "/ciphertext")
                .then()
                .statusCode(200);
    }

    /**
     * Revoking one record's consent writes the same event shape as a patient's: the hospital, the record, and the
     * record id salted with a salt kept in the database.
     */
    @Test
    void revokingOneRecordsConsentWritesTheSaltedEventOnceAndOnlyForItsHospital() throws Exception {
        String alice = KeycloakTokens.user("alice");
        HospitalClient a = new HospitalClient("hospital-a").withToken(alice);
        a.registerKey();
        String record = a.upload("record-consent-" + UUID.randomUUID(), POLICY, "{}")
                .post()
                .then()
                .statusCode(201)
                .extract()
                .path("record.recordId");
        long before = ledger.size();
        given().auth()
                .oauth2(KeycloakTokens.user("bob"))
                .post("/api/v1/records/" + record + "/consent/revoke")
                .then()
                .statusCode(404)
                .contentType("application/problem+json");
        assertEquals(before, ledger.size());

        given().auth()
                .oauth2(alice)
                .post("/api/v1/records/" + record + "/consent/revoke")
                .then()
                .statusCode(200)
                .body("recordId", equalTo(record))
                .body("revoked", equalTo(true))
                .body("changed", equalTo(true));
        assertEquals(before + 1, ledger.size());
        Event event = ledger.entries(before, 1).get(0).event();
        assertEquals(EventType.CONSENT_REVOKED, event.type());
        assertEquals("hospital-a", event.id(Field.ACTOR));
        assertEquals(record, event.id(Field.RECORD_ID));
        byte[] salt = salt("consent_revocation", "record_id", record);
        assertEquals(16, salt.length);
        assertArrayEquals(
                SaltedHash.of("subject", salt, record.getBytes(StandardCharsets.UTF_8)),
                event.hash(Field.SUBJECT_HASH));

        given().auth()
                .oauth2(alice)
                .post("/api/v1/records/" + record + "/consent/revoke")
                .then()
                .statusCode(200)
                .body("changed", equalTo(false));
        assertEquals(before + 1, ledger.size(), "revoking again changes nothing");
        assertTrue(revoked().contains(record));
        given().auth()
                .oauth2(alice)
                .get("/api/v1/records/" + record + "/ciphertext")
                .then()
                .statusCode(403)
                .body("type", equalTo("https://medshare.example/problems/consent-revoked"));
    }

    @Test
    void aPatientReferenceMustBePseudonymous() {
        String alice = KeycloakTokens.user("alice");
        HospitalClient a = new HospitalClient("hospital-a").withToken(alice);
        a.registerKey();
        long before = ledger.size();
        for (String bad : List.of("John Smith", "MRN-12345", "12345", "ABCDEF0123456789", "0123456789abcdef,x")) {
            Upload u = a.upload("bad-patient-" + UUID.randomUUID(), POLICY, "{}");
            u.tags.put("patient", bad);
            u.post()
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("type", equalTo("https://medshare.example/problems/invalid-patient-reference"));
        }
        assertEquals(before, ledger.size());
        given().auth()
                .oauth2(alice)
                .queryParam("patient", "Patient/John Smith")
                .get("/api/v1/fhir/Consent")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
        for (String id : List.of("no-such-id", "0".repeat(32))) {
            given().auth()
                    .oauth2(alice)
                    .get("/api/v1/fhir/Consent/" + id)
                    .then()
                    .statusCode(404)
                    .contentType("application/problem+json");
            revoke(alice, id).then().statusCode(404).contentType("application/problem+json");
        }
        given().auth()
                .oauth2(KeycloakTokens.user("irene"))
                .get("/api/v1/fhir/Consent")
                .then()
                .statusCode(403);
    }

    private Set<String> revoked() {
        return consents.revokedRecords();
    }

    /** The subject salt a revocation row keeps. */
    private byte[] salt(String table, String keyColumn, String key) throws SQLException {
        try (Connection c = db.getConnection();
                PreparedStatement s =
                        c.prepareStatement("select subject_salt from " + table + " where " + keyColumn + " = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                assertTrue(r.next(), "a revocation row for " + key);
                return HexFormat.of().parseHex(r.getString(1));
            }
        }
    }

    /**
     * A searchset's {@code total} counts the matches over every page, and {@code self}, {@code next} and
     * {@code previous} links walk them: following {@code next} from the first page visits every match once.
     */
    @Test
    void searchsetTotalIsEveryMatchAndPagingLinksWalkThemAll() throws Exception {
        String alice = KeycloakTokens.user("alice");
        HospitalClient a = hospitalA(alice);
        for (int i = 0; i < 3; i++) {
            String patient = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
            upload(a, patient.substring(0, 8) + "-paged", patient);
        }
        String url = RestAssured.baseURI + ":" + RestAssured.port + "/api/v1/fhir/Consent?_count=2";
        Set<String> seen = new HashSet<>();
        int total = -1;
        int pages = 0;
        while (url != null) {
            Bundle page = strict().parseResource(
                            Bundle.class,
                            given().auth()
                                    .oauth2(alice)
                                    .get(url)
                                    .then()
                                    .statusCode(200)
                                    .extract()
                                    .asString());
            if (total < 0) {
                total = page.getTotal();
                assertNull(page.getLink("previous"), "the first page has no previous");
            } else {
                assertEquals(total, page.getTotal(), "the same total on every page");
                assertNotNull(page.getLink("previous"), "a later page links back");
            }
            assertTrue(
                    page.getLink("self").getUrl().contains("_offset=" + 2 * pages),
                    page.getLink("self").getUrl());
            page.getEntry()
                    .forEach(e ->
                            assertTrue(seen.add(e.getResource().getIdElement().getIdPart())));
            assertTrue(page.getEntry().size() <= 2);
            url = page.getLink("next") == null ? null : page.getLink("next").getUrl();
            pages++;
        }
        assertTrue(total >= 3, "at least this test's three consents: " + total);
        assertEquals(total, seen.size(), "following next visits every match once");
        assertEquals((total + 1) / 2, pages);
    }

    /** hospital-a's client with a registered key, encrypting under the service's authority's parameters. */
    private static HospitalClient hospitalA(String token) throws Exception {
        return HospitalClient.registered("hospital-a", token);
    }

    private static String upload(HospitalClient client, String key, String patient) {
        Upload u = client.upload(key, POLICY, "{\"resourceType\":\"Bundle\"}");
        u.tags.put("patient", patient);
        return u.post().then().statusCode(201).extract().path("record.recordId");
    }
}
