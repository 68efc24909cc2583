package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Consumer;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class RowExtractorTest {
    private static final RowExtractor EXTRACTOR = RowExtractor.shared();

    private static PseudonymKey key() throws Exception {
        return PseudonymKey.of(new byte[32]);
    }

    @Test
    void extractsOneRowPerClaimAndOnePerUnclaimedEncounter() throws Exception {
        Bundle b = TestBundles.patientBundle(
                "p1", AdministrativeGender.FEMALE, "1980-06-15", "E11.9", 2, "123.45", "100.005", "2024-03-10");
        List<AnalyticsRow> rows = EXTRACTOR.extract(b, 7, key());
        assertEquals(3, rows.size());
        AnalyticsRow r = rows.get(0);
        assertEquals(key().pseudonymOf("urn:oid:2.16.840.1.113883.4.1|ssn-p1"), r.patientPseudonym());
        assertEquals(Sex.FEMALE, r.sex());
        assertEquals(8, r.ageBand(), "43 years old in 2024-03 -> band 40-44");
        assertArrayEquals(new int[] {Icd10.encode("E11.9")}, r.icdCodes());
        assertEquals(12345, r.claimCents());
        assertEquals(10000, r.paymentCents(), "half-even rounding of 100.005");
        assertEquals(202403, r.serviceMonth());
        assertEquals(7, r.hospitalId());
        AnalyticsRow visit = rows.get(2);
        assertEquals(0, visit.claimCents());
        assertEquals(0, visit.icdCodes().length);
        assertEquals(r.patientPseudonym(), visit.patientPseudonym());
    }

    @Test
    void parsesJsonWithOneSharedContext() throws Exception {
        Bundle b =
                TestBundles.patientBundle("p2", AdministrativeGender.MALE, "1950", "I10", 1, "50", "40", "2023-12-01");
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(b);
        List<AnalyticsRow> rows = EXTRACTOR.extract(json, 1, key());
        assertEquals(2, rows.size());
        assertEquals(Sex.MALE, rows.get(0).sex());
        assertEquals(14, rows.get(0).ageBand(), "73 years -> band 70-74");
        assertEquals(5000, rows.get(0).claimCents());
    }

    @Test
    void refusesWhatIsNotABundleAndAnOutOfRangeHospital() throws Exception {
        RowExtractionException notBundle = assertThrows(
                RowExtractionException.class, () -> EXTRACTOR.extract("{\"resourceType\":\"Patient\"}", 1, key()));
        assertTrue(notBundle.getMessage().startsWith("a FHIR Patient resource, not a Bundle"), notBundle.getMessage());
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract("not json", 1, key()));
        Bundle ok =
                TestBundles.patientBundle("p8", AdministrativeGender.MALE, "1970", "I10", 1, "5", "0", "2024-12-01");
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(ok, 16384, key()));
    }

    @Test
    void aRowThatCannotBeMappedIsSkippedWithItsReasonAndTheOthersAreKept() throws Exception {
        assertSkip(
                TestBundles.patientBundle("p3", AdministrativeGender.MALE, "1970", "I10", 1, "50", "40", "2023-12-01"),
                b -> claim(b).setPatient(new Reference("Patient/missing")),
                "Claim/p3-claim-0: it refers to Patient/missing, which is not in the Bundle");
        assertSkip(
                TestBundles.patientBundle("p4", AdministrativeGender.MALE, "1970", "I10", 1, "50", "40", "2023-12-01"),
                b -> claim(b).setTotal(new Money().setValue(new BigDecimal("1")).setCurrency("USD")),
                "Claim/p4-claim-0: ExplanationOfBenefit.payment.amount is in EUR where the Bundle's amounts are in USD");
        assertSkip(
                TestBundles.patientBundle("p5", AdministrativeGender.MALE, "1970", "I10", 1, "-5", "0", "2023-12-01"),
                b -> {},
                "Claim/p5-claim-0: Claim.total must be within 0 .. 21474836.47");
        assertSkip(
                TestBundles.patientBundle(
                        "p7", AdministrativeGender.MALE, "2024-12-15", "I10", 1, "5", "0", "2024-12-01"),
                b -> ((Encounter) resource(b, Encounter.class, "p7-visit"))
                        .getPeriod()
                        .setStartElement(new DateTimeType("2025-01-05")),
                "Claim/p7-claim-0: its Patient was born after the service month 2024-12");
    }

    private static void assertSkip(Bundle b, Consumer<Bundle> change, String expectedSkip) throws Exception {
        change.accept(b);
        RowExtraction x = EXTRACTOR.extractWithSkips(b, 1, key());
        assertEquals(
                List.of(expectedSkip),
                x.skipped().stream().map(Object::toString).toList());
        assertEquals(1, x.rows().size(), "the Bundle's other row (its lone Encounter) is kept");
    }

    static Claim claim(Bundle b) {
        return (Claim) b.getEntry().stream()
                .filter(e -> e.getResource() instanceof Claim)
                .findFirst()
                .get()
                .getResource();
    }

    static Resource resource(Bundle b, Class<? extends Resource> type, String id) {
        return b.getEntry().stream()
                .map(Bundle.BundleEntryComponent::getResource)
                .filter(r -> type.isInstance(r) && r.getIdElement().getIdPart().equals(id))
                .findFirst()
                .orElseThrow();
    }
}
