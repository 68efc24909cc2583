package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class RowExtractorTest {
    private static final RowExtractor EXTRACTOR = RowExtractor.shared();

    private static PseudonymKey key() throws Exception {
        return PseudonymKey.of(new byte[32]);
    }

    @Test
    void extractsOneRowPerClaimAndOnePerUnclaimedEncounter() throws Exception {
        Bundle b = TestBundles.patientBundle("p1", AdministrativeGender.FEMALE, "1980-06-15", "E11.9", 2, "123.45",
                "100.005", "2024-03-10");
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
        Bundle b = TestBundles.patientBundle("p2", AdministrativeGender.MALE, "1950", "I10", 1, "50", "40", "2023-12-01");
        String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(b);
        List<AnalyticsRow> rows = EXTRACTOR.extract(json, 1, key());
        assertEquals(2, rows.size());
        assertEquals(Sex.MALE, rows.get(0).sex());
        assertEquals(14, rows.get(0).ageBand(), "73 years -> band 70-74");
        assertEquals(5000, rows.get(0).claimCents());
    }

    @Test
    void refusesWhatItCannotMap() throws Exception {
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract("{\"resourceType\":\"Patient\"}", 1, key()));
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract("not json", 1, key()));
        Bundle orphan = TestBundles.patientBundle("p3", AdministrativeGender.MALE, "1970", "I10", 1, "50", "40", "2023-12-01");
        ((Claim) orphan.getEntry().stream().filter(e -> e.getResource() instanceof Claim).findFirst().get().getResource())
                .setPatient(new Reference("Patient/missing"));
        RowExtractionException e = assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(orphan, 1, key()));
        assertTrue(e.getMessage().contains("not in the Bundle"));
        Bundle mixed = TestBundles.patientBundle("p4", AdministrativeGender.MALE, "1970", "I10", 1, "50", "40", "2023-12-01");
        ((Claim) mixed.getEntry().stream().filter(x -> x.getResource() instanceof Claim).findFirst().get().getResource())
                .setTotal(new Money().setValue(new BigDecimal("1")).setCurrency("USD"));
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(mixed, 1, key()));
        Bundle negative = TestBundles.patientBundle("p5", AdministrativeGender.MALE, "1970", "I10", 1, "-5", "0", "2023-12-01");
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(negative, 1, key()));
        Bundle beyondRange = TestBundles.patientBundle("p6", AdministrativeGender.MALE, "1970", "I10", 1, "5", "0", "2071-01-01");
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(beyondRange, 1, key()));
        Bundle unborn = TestBundles.patientBundle("p7", AdministrativeGender.MALE, "2025-01-01", "I10", 1, "5", "0", "2024-12-01");
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(unborn, 1, key()));
        Bundle ok = TestBundles.patientBundle("p8", AdministrativeGender.MALE, "1970", "I10", 1, "5", "0", "2024-12-01");
        assertThrows(RowExtractionException.class, () -> EXTRACTOR.extract(ok, 16384, key()));
    }
}
