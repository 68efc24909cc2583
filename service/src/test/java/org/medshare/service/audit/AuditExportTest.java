package org.medshare.service.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Consent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.DataUseRules;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.HospitalDisclosureLimits;
import org.medshare.service.audit.fhir.BalpAuditEvents;
import org.medshare.service.consent.persistence.PatientConsent;
import org.medshare.service.consent.rest.ConsentFhir;
import org.medshare.service.consent.service.ConsentService;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.testing.FhirValidation;

/**
 * The regulator's audit API: filtered, paged events; checkpoints with their signature lines; every
 * organisation's balance; and the FHIR AuditEvent export (IHE BALP coding), checked with HAPI's instance
 * validator against the base R4 definitions and a strict parse, with the BALP mapping of every event type.
 */
@QuarkusTest
@TestSecurity(user = "rita", roles = "regulator")
@OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
class AuditExportTest {

    static final FhirContext FHIR = FhirContext.forR4();
    static FhirValidator validator;
    static final byte[] H = new byte[32];

    @Inject
    LedgerService ledger;

    @BeforeAll
    static void validator() {
        validator = FhirValidation.validator();
    }

    /**
     * One event of every type but PAYMENT, appended now; returns the index of the first. (A PAYMENT on the ledger
     * must mirror a contract call, or the contract history no longer replays; its mapping is checked without the
     * ledger, in {@link #paymentMapping()}.)
     */
    long appendOneOfEach(String tag) {
        long t = System.currentTimeMillis();
        List<Event> events = List.of(
                Event.upload(t, "hospital-a", "rec-" + tag, H, H),
                Event.builder(EventType.ACCESS)
                        .timestamp(t)
                        .id(Field.ACTOR, "hospital-a:alice")
                        .id(Field.RECORD_ID, "rec-" + tag)
                        .id(Field.PURPOSE, "ciphertext-download")
                        .build(),
                Event.builder(EventType.QUERY_SUBMITTED)
                        .timestamp(t)
                        .id(Field.ACTOR, "insurer-x")
                        .id(Field.QUERY_ID, "q-" + tag)
                        .hash(Field.QUERY_HASH, H)
                        .build(),
                Event.builder(EventType.QUERY_APPROVED)
                        .timestamp(t)
                        .id(Field.ACTOR, "regulator-nhc")
                        .id(Field.QUERY_ID, "q-" + tag)
                        .hash(Field.QUERY_HASH, H)
                        .build(),
                Event.builder(EventType.COMPUTE)
                        .timestamp(t)
                        .id(Field.ACTOR, "enclave")
                        .id(Field.QUERY_ID, "q-" + tag)
                        .hash(Field.QUERY_HASH, H)
                        .hash(Field.INPUT_ROOT, H)
                        .hash(Field.RESULT_HASH, H)
                        .hash(Field.MEASUREMENT, H)
                        .amount(Field.RECORD_COUNT, 3)
                        .build(),
                Event.builder(EventType.CONSENT_REVOKED)
                        .timestamp(t)
                        .id(Field.ACTOR, "hospital-a")
                        .id(Field.RECORD_ID, "consent:" + "ab".repeat(16))
                        .hash(Field.SUBJECT_HASH, H)
                        .build(),
                Event.builder(EventType.KEY_ISSUED)
                        .timestamp(t)
                        .id(Field.ACTOR, "key-authority")
                        .id(Field.KEY_ID, "k-" + tag)
                        .id(Field.RECIPIENT, "hospital-a:alice")
                        .hash(Field.ATTRIBUTES_HASH, H)
                        .build(),
                Event.memberAdmitted(t, "consortium-admin", "member-" + tag, H));
        return ledger.appendAll(events).get(0).index();
    }

    @Test
    void exportIsAValidFhirBundleWithTheBalpMappingOfEveryEventType() {
        long first = appendOneOfEach("fhir");
        String body = given().queryParam("format", "fhir")
                .queryParam("from", first)
                .queryParam("limit", 8)
                .get("/api/v1/audit/export")
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .extract()
                .asString();
        Bundle bundle = FHIR.newJsonParser()
                .setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, body);
        assertEquals(Bundle.BundleType.COLLECTION, bundle.getType());
        assertEquals(8, bundle.getEntry().size());
        List<String> problems = new ArrayList<>();
        ValidationResult bundleResult = validator.validateWithResult(bundle);
        bundleResult.getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .forEach(m -> problems.add(m.getLocationString() + ": " + m.getMessage()));
        assertEquals(List.of(), problems, "HAPI validation errors");

        Map<String, AuditEvent> byType = new HashMap<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            AuditEvent a = (AuditEvent) e.getResource();
            String type = a.getEntity().stream()
                    .filter(x -> x.getWhat().getIdentifier().getSystem().equals("urn:medshare:ledger-index"))
                    .findFirst()
                    .orElseThrow()
                    .getName();
            byType.put(type, a);
            assertEquals("rest", a.getType().getCode());
            assertEquals(AuditEvent.AuditEventOutcome._0, a.getOutcome());
            assertEquals("4", a.getSource().getTypeFirstRep().getCode());
            assertTrue(a.getAgent().stream()
                    .anyMatch(g -> g.getType().getCodingFirstRep().getCode().equals("110152")));
        }
        assertEquals(8, byType.size());
        expect(byType.get("UPLOAD"), "create", "C", "AGNT", "4", "rec-fhir");
        expect(byType.get("ACCESS"), "read", "R", "IRCP", "4", "rec-fhir");
        expect(byType.get("QUERY_SUBMITTED"), "create", "C", "AGNT", "24", "q-fhir");
        expect(byType.get("QUERY_APPROVED"), "update", "U", "AGNT", "24", "q-fhir");
        expect(byType.get("COMPUTE"), "operation", "E", "110150", "24", "q-fhir");
        expect(byType.get("CONSENT_REVOKED"), "update", "U", "AGNT", "4", "ab".repeat(16));
        expect(byType.get("KEY_ISSUED"), "create", "C", "IRCP", "13", "k-fhir");
        expect(byType.get("MEMBER_ADMITTED"), "create", "C", "AGNT", "13", "member-fhir");
        assertTrue(
                byType.get("UPLOAD").getAgent().stream()
                        .anyMatch(g -> g.getType().getCodingFirstRep().getCode().equals("110153")),
                "the client agent");
        assertEquals(
                "Consent/" + "ab".repeat(16),
                byType.get("CONSENT_REVOKED").getEntityFirstRep().getWhat().getReference());
        assertEquals(
                "3",
                byType.get("COMPUTE").getEntityFirstRep().getDetail().stream()
                        .filter(d -> d.getType().equals("recordCount"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .primitiveValue());

        String ndjson = given().queryParam("format", "ndjson")
                .queryParam("from", first)
                .queryParam("limit", 8)
                .get("/api/v1/audit/export")
                .then()
                .statusCode(200)
                .contentType("application/fhir+ndjson")
                .extract()
                .asString();
        List<String> lines = ndjson.lines().toList();
        assertEquals(8, lines.size());
        for (String line : lines) {
            AuditEvent a = FHIR.newJsonParser()
                    .setParserErrorHandler(new StrictErrorHandler())
                    .parseResource(AuditEvent.class, line);
            assertTrue(validator.validateWithResult(a).isSuccessful(), line);
        }
        given().accept("application/json")
                .queryParam("format", "fhir")
                .queryParam("from", first)
                .queryParam("limit", 1)
                .get("/api/v1/audit/export")
                .then()
                .statusCode(200)
                .contentType("application/fhir+json")
                .body("resourceType", equalTo("Bundle"));
        given().queryParam("format", "xml")
                .get("/api/v1/audit/export")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    /**
     * The Consent resources of the FHIR facade, active and revoked, validate against the base R4 definitions (checked
     * here because HAPI's validator must live in one Quarkus application's class loader; ConsentTest covers the API).
     */
    @Test
    void consentResourcesAreValidR4() {
        Instant since = Instant.parse("2026-11-01T10:00:00Z");
        var active = new PatientConsent("ab".repeat(16), "hospital-a", "0123456789abcdef", since, 3, null, null, null);
        var revoked = new PatientConsent(
                "cd".repeat(16),
                "hospital-a",
                "fedcba9876543210",
                since,
                1,
                since.plusSeconds(3600),
                "hospital-a:alice",
                17L);
        Bundle bundle = ConsentFhir.bundle(
                new ConsentService.SearchPage(List.of(active, revoked), 5),
                Map.of("self", URI.create("https://medshare.example/api/v1/fhir/Consent?_offset=0&_count=2")));
        Bundle parsed = FHIR.newJsonParser()
                .setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, FHIR.newJsonParser().encodeResourceToString(bundle));
        assertEquals(List.of(), FhirValidation.errors(parsed), "HAPI validation errors");
        assertEquals(5, parsed.getTotal(), "the matches over all pages");
        Consent r = (Consent) parsed.getEntry().get(1).getResource();
        assertEquals(Consent.ConsentState.INACTIVE, r.getStatus());
        assertEquals("Patient/fedcba9876543210", r.getPatient().getReference());
    }

    /**
     * An emergency release is an ACCESS whose purpose starts with ETREAT and the BREAK_GLASS right after it: both map
     * to BALP reads by the clinician (IRCP) with the PurposeOfUse code as purposeOfEvent, the salted reason hash as a
     * detail, and validate against the base R4 definitions.
     */
    @Test
    void breakGlassMapping() {
        long t = System.currentTimeMillis();
        Event access = Event.builder(EventType.ACCESS)
                .timestamp(t)
                .id(Field.ACTOR, "hospital-b:bob")
                .id(Field.RECORD_ID, "rec-glass")
                .id(Field.PURPOSE, "ETREAT:consent-v2")
                .build();
        Event glass = Event.builder(EventType.BREAK_GLASS)
                .timestamp(t)
                .id(Field.ACTOR, "hospital-b:bob")
                .id(Field.RECORD_ID, "rec-glass")
                .id(Field.PURPOSE, "ETREAT")
                .hash(Field.REASON_HASH, H)
                .build();
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(new LedgerService.LedgerEntry(8, access), new LedgerService.LedgerEntry(9, glass)));
        assertEquals(List.of(), FhirValidation.errors(bundle), "HAPI validation errors");
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            AuditEvent a = (AuditEvent) e.getResource();
            expect(a, "read", "R", "IRCP", "4", "rec-glass");
            assertEquals(
                    "ETREAT", a.getPurposeOfEventFirstRep().getCodingFirstRep().getCode(), a.getId());
            assertEquals(
                    "http://terminology.hl7.org/CodeSystem/v3-ActReason",
                    a.getPurposeOfEventFirstRep().getCodingFirstRep().getSystem());
        }
        AuditEvent b = (AuditEvent) bundle.getEntry().get(1).getResource();
        assertTrue(b.getEntityFirstRep().getDetail().stream()
                .anyMatch(d -> d.getType().equals("reasonHash")));
    }

    /** The discovery search's DocumentReferences validate against the base R4 definitions. */
    @Test
    void documentReferencesAreValidR4() {
        var record = new org.medshare.service.records.service.RecordService.SharedRecord(
                "3f2a1c9e-0000-4000-8000-000000000001",
                "hospital-a",
                "org:hospital-b@2026Q4 AND dept:cardiology@2026Q4",
                "nist",
                Instant.parse("2026-11-02T09:30:00Z"),
                1,
                "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
                1234,
                "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
                56,
                Map.of("patient", "0123456789abcdef"),
                Map.of("Condition", "2-9"),
                "key-1",
                "ab".repeat(16),
                "AAAA",
                null,
                9L);
        Bundle bundle = org.medshare.service.records.rest.DocumentReferenceFhir.bundle(
                List.of(record),
                "0123456789abcdef",
                1,
                Map.of("self", URI.create("https://medshare.example/api/v1/fhir/DocumentReference?patient=x")));
        Bundle parsed = FHIR.newJsonParser()
                .setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, FHIR.newJsonParser().encodeResourceToString(bundle));
        assertEquals(List.of(), FhirValidation.errors(parsed), "HAPI validation errors");
        var d = (org.hl7.fhir.r4.model.DocumentReference)
                parsed.getEntryFirstRep().getResource();
        assertEquals("Patient/0123456789abcdef", d.getSubject().getReference());
        assertEquals("Organization/hospital-a", d.getCustodian().getReference());
        assertEquals(
                "/api/v1/records/3f2a1c9e-0000-4000-8000-000000000001/ciphertext",
                d.getContentFirstRep().getAttachment().getUrl());
        assertEquals(1234, d.getContentFirstRep().getAttachment().getSize());
    }

    /** A Consent with provisions (nested permit and deny, actors, purposes, periods) is valid R4 too. */
    @Test
    void consentWithProvisionsIsValidR4() {
        Instant since = Instant.parse("2026-11-01T10:00:00Z");
        var consent = new PatientConsent(
                "ef".repeat(16),
                "hospital-a",
                "0123456789abcdef",
                since,
                2,
                null,
                null,
                null,
                3,
                List.of(
                        new org.medshare.service.consent.ConsentProvision(
                                "permit", List.of("ETREAT", "TREAT"), List.of("hospital-b"), since, null),
                        new org.medshare.service.consent.ConsentProvision(
                                "deny", List.of("HPAYMT"), List.of(), null, since.plusSeconds(86_400))),
                since.plusSeconds(60));
        Consent c = ConsentFhir.of(consent);
        Consent parsed = FHIR.newJsonParser()
                .setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Consent.class, FHIR.newJsonParser().encodeResourceToString(c));
        assertEquals(List.of(), FhirValidation.errors(parsed), "HAPI validation errors");
        assertEquals("3", parsed.getMeta().getVersionId());
        assertEquals(2, parsed.getProvision().getProvision().size());
    }

    @Test
    void contractCallMapping() {
        Event call = Event.builder(EventType.CONTRACT_CALL)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "insurer-x")
                .data(Field.CALL_DATA, new byte[] {1, 2, 3})
                .hash(Field.STATE_ROOT, H)
                .build();
        Bundle bundle =
                new BalpAuditEvents("medshare.example/ledger").bundle(List.of(new LedgerService.LedgerEntry(7, call)));
        assertEquals(List.of(), FhirValidation.errors(bundle));
        AuditEvent a = (AuditEvent) bundle.getEntryFirstRep().getResource();
        expect(a, "operation", "E", "AGNT", "4", "00".repeat(32));
        assertEquals(
                "AQID",
                a.getEntityFirstRep().getDetail().stream()
                        .filter(d -> d.getType().equals("callData"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .primitiveValue());
    }

    @Test
    void anchoredMapping() {
        byte[] tx = new byte[32];
        Arrays.fill(tx, (byte) 0xab);
        Event anchored = Event.anchored(System.currentTimeMillis(), 1337, "0x" + "12".repeat(20), tx, 77, 40, H);
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(new LedgerService.LedgerEntry(41, anchored)));
        assertEquals(List.of(), FhirValidation.errors(bundle));
        AuditEvent a = (AuditEvent) bundle.getEntryFirstRep().getResource();
        expect(a, "operation", "E", "110150", "4", "0x" + "ab".repeat(32));
        Map<String, String> details = a.getEntityFirstRep().getDetail().stream()
                .collect(Collectors.toMap(d -> d.getType(), d -> d.getValue().primitiveValue()));
        assertEquals(
                Map.of(
                        "chainId",
                        "1337",
                        "contract",
                        "0x" + "12".repeat(20),
                        "txHash",
                        "ab".repeat(32),
                        "blockNumber",
                        "77",
                        "treeSize",
                        "40",
                        "treeRoot",
                        "00".repeat(32)),
                details);
    }

    @Test
    void paymentMapping() {
        Event payment = Event.payment(System.currentTimeMillis(), "insurer-x", "hospital-a", "q-pay", 7, 3, H);
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(new LedgerService.LedgerEntry(42, payment)));
        AuditEvent a = (AuditEvent) FHIR.newJsonParser()
                .setParserErrorHandler(new StrictErrorHandler())
                .parseResource(Bundle.class, FHIR.newJsonParser().encodeResourceToString(bundle))
                .getEntryFirstRep()
                .getResource();
        assertTrue(validator.validateWithResult(a).isSuccessful());
        assertEquals("ledger-42", a.getIdElement().getIdPart());
        expect(a, "operation", "E", "IRCP", "24", "q-pay");
        assertTrue(a.getAgent().stream()
                .anyMatch(g -> g.getType().getCodingFirstRep().getCode().equals("AGNT")
                        && g.getWho().getIdentifier().getValue().equals("insurer-x")
                        && g.getRequestor()));
        assertEquals(
                "7",
                a.getEntityFirstRep().getDetail().stream()
                        .filter(d -> d.getType().equals("amount"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .primitiveValue());
    }

    @Test
    void signingKeyRevocationAndDataUseRuleChangeMappings() {
        Event revoked = Event.builder(EventType.SIGNING_KEY_REVOKED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "hospital-a")
                .id(Field.KEY_ID, "0123456789abcdef0123456789abcdef")
                .build();
        Event rules = Event.builder(EventType.DATA_USE_RULES_CHANGED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "hospital-a")
                .data(Field.RULES, DataUseRules.encode(List.of("research/*")))
                .build();
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(new LedgerService.LedgerEntry(50, revoked), new LedgerService.LedgerEntry(51, rules)));
        assertEquals(List.of(), FhirValidation.errors(bundle));
        AuditEvent a = (AuditEvent) bundle.getEntry().get(0).getResource();
        expect(a, "delete", "D", "AGNT", "13", "0123456789abcdef0123456789abcdef");
        AuditEvent b = (AuditEvent) bundle.getEntry().get(1).getResource();
        expect(b, "update", "U", "AGNT", "13", "hospital-a");
        assertEquals(
                Base64.getEncoder().encodeToString("[\"research/*\"]".getBytes(StandardCharsets.US_ASCII)),
                b.getEntityFirstRep().getDetail().stream()
                        .filter(d -> d.getType().equals("rules"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .primitiveValue());
    }

    @Test
    void disclosureLimitsChangeMapping() {
        HospitalDisclosureLimits limits = new HospitalDisclosureLimits(
                20, OptionalLong.of(500_000), 3, true, List.of("count", "mean"), List.of("claim", "sex"));
        Event changed = Event.disclosureLimitsChanged(System.currentTimeMillis(), "hospital-a", limits);
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(new LedgerService.LedgerEntry(52, changed)));
        assertEquals(List.of(), FhirValidation.errors(bundle));
        AuditEvent a = (AuditEvent) bundle.getEntry().get(0).getResource();
        expect(a, "update", "U", "AGNT", "13", "hospital-a");
        assertEquals(
                Base64.getEncoder().encodeToString(limits.encode()),
                a.getEntityFirstRep().getDetail().stream()
                        .filter(d -> d.getType().equals("limits"))
                        .findFirst()
                        .orElseThrow()
                        .getValue()
                        .primitiveValue());
    }

    @Test
    void suspensionAndReinstatementMappings() {
        Event suspended = Event.organisationSuspended(1, "regulator-nhc:rita", "hospital-a", "investigation");
        Event reinstated = Event.organisationReinstated(2, "regulator-nhc:rita", "hospital-a");
        Bundle bundle = new BalpAuditEvents("medshare.example/ledger")
                .bundle(List.of(
                        new LedgerService.LedgerEntry(60, suspended), new LedgerService.LedgerEntry(61, reinstated)));
        assertEquals(List.of(), FhirValidation.errors(bundle));
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            expect((AuditEvent) entry.getResource(), "update", "U", "AGNT", "13", "hospital-a");
        }
    }

    static void expect(AuditEvent a, String subtype, String action, String agentCode, String role, String what) {
        assertEquals(subtype, a.getSubtypeFirstRep().getCode(), a.getId());
        assertEquals(action, a.getAction().toCode(), a.getId());
        assertTrue(
                a.getAgent().stream()
                        .anyMatch(g -> g.getType().getCodingFirstRep().getCode().equals(agentCode)),
                a.getId() + " agent " + agentCode);
        assertEquals(role, a.getEntityFirstRep().getRole().getCode(), a.getId());
        assertEquals(what, a.getEntityFirstRep().getWhat().getIdentifier().getValue(), a.getId());
    }

    @Test
    void eventsAreFilteredAndPaged() {
        long first = appendOneOfEach("filter");
        List<String> types = given().queryParam("from", first)
                .queryParam("party", "hospital-a")
                .get("/api/v1/audit/events")
                .then()
                .statusCode(200)
                .extract()
                .path("type");
        assertEquals(List.of("UPLOAD", "ACCESS", "CONSENT_REVOKED", "KEY_ISSUED"), types.subList(0, 4));
        assertEquals(
                List.of("QUERY_SUBMITTED", "QUERY_APPROVED", "COMPUTE"),
                given().queryParam("from", first)
                        .queryParam("query", "q-filter")
                        .get("/api/v1/audit/events")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("type"));
        assertEquals(
                List.of("UPLOAD", "ACCESS"),
                given().queryParam("from", first)
                        .queryParam("record", "rec-filter")
                        .get("/api/v1/audit/events")
                        .then()
                        .extract()
                        .path("type"));
        Response page = given().queryParam("from", first)
                .queryParam("party", "hospital-a")
                .queryParam("limit", 2)
                .get("/api/v1/audit/events");
        page.then().statusCode(200).body("size()", equalTo(2));
        long next = Long.parseLong(page.header("X-Next-From"));
        assertEquals(first + 2, next, "the page ends after the second match");
        assertEquals(
                List.of("CONSENT_REVOKED", "KEY_ISSUED"),
                given().queryParam("from", next)
                        .queryParam("party", "hospital-a")
                        .queryParam("limit", 2)
                        .get("/api/v1/audit/events")
                        .then()
                        .extract()
                        .path("type"));
        assertEquals(
                List.of(),
                given().queryParam("from", first)
                        .queryParam("until", "2000-01-01")
                        .get("/api/v1/audit/events")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("type"));
        assertFalse(((List<?>) given().queryParam("from", first)
                        .queryParam("since", "2000-01-01")
                        .queryParam("type", "key_issued")
                        .get("/api/v1/audit/events")
                        .then()
                        .statusCode(200)
                        .extract()
                        .path("type"))
                .isEmpty());
        for (Map.Entry<String, String> bad : Map.of(
                        "since",
                        "yesterday",
                        "until",
                        "2026-13-01",
                        "party",
                        "has space",
                        "type",
                        "NOPE",
                        "record",
                        "x".repeat(200))
                .entrySet()) {
            given().queryParam(bad.getKey(), bad.getValue())
                    .get("/api/v1/audit/events")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json");
        }
        given().queryParam("since", "2026-02-01")
                .queryParam("until", "2026-01-01")
                .get("/api/v1/audit/events")
                .then()
                .statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void checkpointsCarryTheirSignatureLinesAndBalancesListEveryParty() {
        appendOneOfEach("checkpoint");
        List<Map<String, Object>> checkpoints = given().queryParam("limit", 1000)
                .get("/api/v1/audit/checkpoints")
                .then()
                .statusCode(200)
                .extract()
                .path("");
        assertFalse(checkpoints.isEmpty());
        Map<String, Object> last = checkpoints.get(checkpoints.size() - 1);
        List<Map<String, Object>> signatures = (List<Map<String, Object>>) last.get("signatures");
        assertFalse(signatures.isEmpty());
        String note = (String) last.get("note");
        for (Map<String, Object> s : signatures) {
            assertTrue(note.contains("\u2014 " + s.get("keyName") + " "), "each signature line of the note is listed");
            assertTrue(((String) s.get("keyId")).matches("[0-9a-f]{8}"));
        }
        given().get("/api/v1/me").then().statusCode(200);
        given().get("/api/v1/audit/balances")
                .then()
                .statusCode(200)
                .body("organisation", org.hamcrest.Matchers.hasItem("regulator-nhc"));
        List<Object> sizes = checkpoints.stream().map(c -> c.get("treeSize")).collect(Collectors.toList());
        assertEquals(sizes.stream().sorted().toList().size(), sizes.size());
    }
}
