package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

/**
 * Extraction from Bundles written the ways R4 allows rather than the way one generator writes them: contained
 * resources, conditional and {@code urn:uuid} references, Encounters without {@code period.start}, partial dates,
 * time zones, non-human patients; every row that is not extracted is reported with its reason.
 */
class RowExtractorR4Test {
    private static final String HUMAN = """
        {"resourceType":"Patient","identifier":[{"system":"urn:mrn","value":"%s"}],"gender":"female","birthDate":"%s"}""";
    private static final String ANIMAL = """
        {"resourceType":"Patient","id":"animal","gender":"female","birthDate":"2010-03-23","extension":[
         {"url":"http://hl7.org/fhir/StructureDefinition/patient-animal","extension":[
          {"url":"species","valueCodeableConcept":{"coding":[{"system":"http://hl7.org/fhir/animal-species","code":"canislf"}]}}]}]}""";

    private static PseudonymKey key() throws Exception {
        return PseudonymKey.of(new byte[32]);
    }

    private static RowExtraction extract(String bundleJson) throws Exception {
        Bundle b = BundleReader.shared()
                .read(bundleJson.getBytes(StandardCharsets.UTF_8))
                .bundle();
        return RowExtractor.shared().extractWithSkips(b, 3, key());
    }

    private static String bundle(String type, String... entries) {
        return "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries) + "]}";
    }

    private static String entry(String fullUrl, String resource) {
        return "{" + (fullUrl == null ? "" : "\"fullUrl\":\"" + fullUrl + "\",") + "\"resource\":" + resource + "}";
    }

    private static String txEntry(String fullUrl, String resource) {
        return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource
                + ",\"request\":{\"method\":\"POST\",\"url\":\""
                + resource.replaceAll("(?s).*\"resourceType\":\"(\\w+)\".*", "$1") + "\"}}";
    }

    @Test
    void aPatientContainedInTheClaimIsTheClaimsPatient() throws Exception {
        RowExtraction x = extract(bundle("collection", entry("http://h/fhir/Claim/c1", """
            {"resourceType":"Claim","id":"c1","status":"active","use":"claim","created":"2015-10-16T00:00:00-07:00",
             "contained":[{"resourceType":"Patient","id":"patient-1","gender":"female","birthDate":"1954-06-11"}],
             "patient":{"reference":"#patient-1"},"total":{"value":125.00,"currency":"USD"}}""")));
        assertEquals(List.of(), x.skipped());
        AnalyticsRow row = x.rows().get(0);
        assertEquals(Sex.FEMALE, row.sex());
        assertEquals(AgeBand.ofAge(61), row.ageBand());
        assertEquals(201510, row.serviceMonth(), "the month as written in the resource's own zone");
        assertEquals(12500, row.claimCents());
        assertEquals(key().pseudonymOf("Patient/patient-1"), row.patientPseudonym());
    }

    @Test
    void urnUuidAndConditionalReferencesOfATransactionResolve() throws Exception {
        RowExtraction x = extract(bundle(
                "transaction",
                txEntry("urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a", HUMAN.formatted("12345", "1970-02")),
                txEntry("urn:uuid:88f151c0-a954-468a-88bd-5ae15c08e059", """
                    {"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
                     "subject":{"reference":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a"},
                     "period":{"start":"2024-03-31T23:30:00-05:00"}}"""),
                txEntry("urn:uuid:0f8a2b6e-1c3d-4e5f-8a9b-0c1d2e3f4a5b", """
                    {"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
                     "subject":{"reference":"Patient?identifier=urn:mrn|12345"},"period":{"start":"2024-05-02"}}"""),
                txEntry("urn:uuid:3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f", """
                    {"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},
                     "subject":{"reference":"Patient?identifier=urn:mrn|99999"},"period":{"start":"2024-05-02"}}""")));
        assertEquals(2, x.rows().size());
        assertEquals(202403, x.rows().get(0).serviceMonth(), "23:30 at -05:00 on the 31st is still March");
        assertEquals(202405, x.rows().get(1).serviceMonth());
        assertEquals(x.rows().get(0).patientPseudonym(), x.rows().get(1).patientPseudonym());
        assertEquals(key().pseudonymOf("urn:mrn|12345"), x.rows().get(0).patientPseudonym());
        assertEquals(AgeBand.ofAge(54), x.rows().get(0).ageBand(), "a year-month birth date counts from its first day");
        assertEquals(
                List.of(new RowExtraction.Skip(
                        "Encounter urn:uuid:3c9d8e7f-6a5b-4c3d-2e1f-0a9b8c7d6e5f",
                        "its conditional reference Patient?identifier=urn:mrn|99999 matches 0 Patient entries of the Bundle, "
                                + "not exactly one")),
                x.skipped());
    }

    @Test
    void anEncounterWithoutPeriodStartFallsBackToOtherDatesOrIsSkippedAlone() throws Exception {
        String patient = entry("Patient/p", HUMAN.formatted("7", "1980"));
        RowExtraction x = extract(bundle(
                "collection",
                patient,
                entry("Encounter/end-only", """
                    {"resourceType":"Encounter","id":"end-only","status":"finished","class":{"code":"IMP"},
                     "subject":{"reference":"Patient/p"},"period":{"end":"2023-07-04T10:00:00+10:00"}}"""),
                entry("Encounter/history", """
                    {"resourceType":"Encounter","id":"history","status":"finished","class":{"code":"IMP"},
                     "statusHistory":[{"status":"arrived","period":{"start":"2022-11-30"}}],
                     "subject":{"reference":"Patient/p"}}"""),
                entry("Encounter/undated", """
                    {"resourceType":"Encounter","id":"undated","status":"finished","class":{"code":"IMP"},
                     "subject":{"reference":"Patient/p"}}"""),
                entry("Encounter/year-only", """
                    {"resourceType":"Encounter","id":"year-only","status":"finished","class":{"code":"IMP"},
                     "subject":{"reference":"Patient/p"},"period":{"start":"2021"}}""")));
        assertEquals(
                List.of(202307, 202211),
                x.rows().stream().map(AnalyticsRow::serviceMonth).toList());
        assertEquals(
                List.of(
                        "Encounter/undated: it has no date (no period.start, period.end or statusHistory.period.start)",
                        "Encounter/year-only: its service date '2021' has no month"),
                x.skipped().stream().map(Object::toString).toList());
    }

    @Test
    void aNonHumanPatientIsExcludedFromStatistics() throws Exception {
        RowExtraction x = extract(bundle(
                "collection",
                entry("Patient/animal", ANIMAL),
                entry("Patient/h", HUMAN.formatted("h1", "1990-01-01")),
                entry("Encounter/vet", """
                    {"resourceType":"Encounter","id":"vet","status":"finished","class":{"code":"AMB"},
                     "subject":{"reference":"Patient/animal"},"period":{"start":"2024-01-10"}}"""),
                entry("Encounter/gp", """
                    {"resourceType":"Encounter","id":"gp","status":"finished","class":{"code":"AMB"},
                     "subject":{"reference":"Patient/h"},"period":{"start":"2024-01-10"}}""")));
        assertEquals(1, x.rows().size());
        assertEquals(key().pseudonymOf("urn:mrn|h1"), x.rows().get(0).patientPseudonym());
        assertEquals(
                List.of("Encounter/vet: its Patient is not human (patient-animal extension): not used in statistics"),
                x.skipped().stream().map(Object::toString).toList());
    }

    @Test
    void aBundleWithoutClaimsOrEncountersHasNoRowsAndSaysWhy() throws Exception {
        RowExtraction none = extract(bundle("collection", entry("Patient/h", HUMAN.formatted("h1", "1990"))));
        assertEquals(List.of(), none.rows());
        assertEquals("the bundle has no Claim or Encounter", none.noRowsReason());
        RowExtraction allSkipped = extract(bundle("collection", entry("Encounter/x", """
            {"resourceType":"Encounter","id":"x","status":"finished","class":{"code":"AMB"},
             "subject":{"reference":"Patient/gone"},"period":{"start":"2024-01-10"}}""")));
        assertEquals(
                "every Claim or Encounter was skipped (1; first: Encounter/x: it refers to Patient/gone, which is "
                        + "not in the Bundle)",
                allSkipped.noRowsReason());
    }
}
