package org.medshare.enclave.compute;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.stats.AggregateSpec.Kind;
import org.medshare.enclave.stats.Allowed;
import org.medshare.enclave.stats.DisclosedField;
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.enclave.stats.HospitalDisclosure;
import org.medshare.enclave.stats.QueryConsent;

/**
 * Encoding v4 of an approved query: it binds the consent decision and the hospitals' disclosure limits with the
 * aggregates and fields they allow; v1, v2 and v3, which do not, are refused.
 */
class ApprovedQueryTest {
    static final byte[] DIGEST = QueryConsent.digestOf(Map.of("c-1", 2, "c-2", 1));

    static ApprovedQuery query(List<String> denied, byte[] digest) {
        return new ApprovedQuery(
                ComputeFixtures.TEMPLATE,
                ComputeFixtures.request(null),
                List.of(2, 1),
                List.of("rec-r"),
                denied,
                digest,
                7);
    }

    @Test
    void encodingV4RoundTripsWithTheConsentDecision() throws Exception {
        ApprovedQuery q = query(List.of("rec-z", "rec-a"), DIGEST);
        byte[] bytes = q.toBytes();
        assertEquals(4, bytes[0]);
        ApprovedQuery parsed = ApprovedQuery.parse(bytes);
        assertEquals(q, parsed);
        assertEquals(List.of("rec-a", "rec-z"), List.copyOf(parsed.consentDeniedRecords()));
        assertArrayEquals(DIGEST, parsed.consentDigest());
        assertEquals(QueryConsent.of(List.of("rec-a", "rec-z"), DIGEST), parsed.consent());
        assertArrayEquals(q.queryHash(), parsed.queryHash());
    }

    @Test
    void theQueryHashBindsTheDeniedRecordsAndTheDigest() {
        byte[] hash = query(List.of("rec-a"), DIGEST).queryHash();
        assertFalse(Arrays.equals(hash, query(List.of(), DIGEST).queryHash()), "denial dropped");
        assertFalse(Arrays.equals(hash, query(List.of("rec-b"), DIGEST).queryHash()), "denial swapped");
        byte[] other = QueryConsent.digestOf(Map.of("c-1", 3, "c-2", 1));
        assertFalse(Arrays.equals(hash, query(List.of("rec-a"), other).queryHash()), "a consent's version rose");
    }

    static final DisclosureLimits LIMITS = DisclosureLimits.of(Map.of(
            2,
            new HospitalDisclosure(
                    25,
                    500_000,
                    2,
                    true,
                    Allowed.only(List.of(Kind.MEAN, Kind.COUNT)),
                    Allowed.only(List.of(DisclosedField.SEX, DisclosedField.CLAIM))),
            1,
            new HospitalDisclosure(10, Long.MAX_VALUE, 1000, false)));

    static ApprovedQuery limited(DisclosureLimits limits) {
        return new ApprovedQuery(
                ComputeFixtures.TEMPLATE,
                ComputeFixtures.request(null),
                List.of(1, 2),
                List.of(),
                List.of(),
                DIGEST,
                7,
                limits);
    }

    @Test
    void theHospitalsDisclosureLimitsRoundTripAndAreBoundByTheQueryHash() throws Exception {
        ApprovedQuery q = limited(LIMITS);
        ApprovedQuery parsed = ApprovedQuery.parse(q.toBytes());
        assertEquals(q, parsed);
        assertEquals(LIMITS.byHospital(), parsed.disclosure().byHospital());
        assertEquals(List.of(1, 2), List.copyOf(parsed.disclosure().byHospital().keySet()));
        byte[] hash = q.queryHash();
        assertFalse(Arrays.equals(hash, limited(DisclosureLimits.NONE).queryHash()), "limits dropped");
        HospitalDisclosure two = LIMITS.of(2).orElseThrow();
        HospitalDisclosure one = LIMITS.of(1).orElseThrow();
        HospitalDisclosure higherEpsilon =
                new HospitalDisclosure(25, 900_000, 2, true, two.allowedAggregates(), two.allowedFields());
        HospitalDisclosure moreAggregates = new HospitalDisclosure(
                25, 500_000, 2, true, Allowed.only(List.of(Kind.MEAN, Kind.COUNT, Kind.SUM)), two.allowedFields());
        HospitalDisclosure anyField =
                new HospitalDisclosure(25, 500_000, 2, true, two.allowedAggregates(), Allowed.any());
        for (HospitalDisclosure looser : List.of(higherEpsilon, moreAggregates, anyField)) {
            assertFalse(
                    Arrays.equals(
                            hash,
                            limited(DisclosureLimits.of(Map.of(1, one, 2, looser)))
                                    .queryHash()),
                    "hospital 2 loosened to " + looser);
        }
    }

    /** Hospital 1's entry of {@link #LIMITS} as {@code aggregates} and {@code fields} lists encode it. */
    static byte[] withHospital1Lists(List<String> aggregates, List<String> fields) {
        WireWriter w = new WireWriter()
                .u8(4)
                .utf8(ComputeFixtures.TEMPLATE)
                .utf8(ComputeFixtures.request(null))
                .i32(2)
                .i32(1)
                .i32(2)
                .i32(0)
                .i32(0)
                .fixed(DIGEST)
                .i64(7)
                .i32(1)
                .i32(1)
                .i32(10)
                .i64(Long.MAX_VALUE)
                .i32(1000)
                .u8(0)
                .i32(aggregates.size());
        aggregates.forEach(w::utf8);
        w.i32(fields.size());
        fields.forEach(w::utf8);
        return w.toByteArray();
    }

    @Test
    void theAllowedAggregatesAndFieldsAreEncodedSortedAndParsedOnlyInThatForm() throws Exception {
        byte[] canonical = withHospital1Lists(List.of("count", "mean"), List.of("claim", "sex"));
        ApprovedQuery parsed = ApprovedQuery.parse(canonical);
        HospitalDisclosure one = parsed.disclosure().of(1).orElseThrow();
        assertEquals(Allowed.only(List.of(Kind.COUNT, Kind.MEAN)), one.allowedAggregates());
        assertEquals(Allowed.only(List.of(DisclosedField.CLAIM, DisclosedField.SEX)), one.allowedFields());
        assertArrayEquals(canonical, parsed.toBytes());
        assertTrue(ApprovedQuery.parse(withHospital1Lists(List.of(), List.of()))
                .disclosure()
                .of(1)
                .orElseThrow()
                .allowedFields()
                .isAny());

        Map<String, byte[]> refused = Map.of(
                "unsorted-aggregates", withHospital1Lists(List.of("mean", "count"), List.of()),
                "duplicate-aggregate", withHospital1Lists(List.of("count", "count"), List.of()),
                "unsorted-fields", withHospital1Lists(List.of(), List.of("sex", "claim")),
                "duplicate-field", withHospital1Lists(List.of(), List.of("sex", "sex")),
                "unknown-aggregate", withHospital1Lists(List.of("median"), List.of()),
                "unknown-field", withHospital1Lists(List.of(), List.of("name")),
                "upper-case-aggregate", withHospital1Lists(List.of("COUNT"), List.of()),
                "too-many-fields", withHospital1Lists(List.of(), List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")));
        List<String> accepted = refused.entrySet().stream()
                .filter(e -> {
                    try {
                        ApprovedQuery.parse(e.getValue());
                        return true;
                    } catch (MalformedEncodingException expected) {
                        return false;
                    }
                })
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        assertEquals(List.of(), accepted);
    }

    @Test
    void aHospitalsOwnLimitsAllowSomeAggregateAndSomeField() {
        HospitalDisclosure none =
                new HospitalDisclosure(10, Long.MAX_VALUE, 1000, false, Allowed.<Kind>only(List.of()), Allowed.any());
        assertThrows(IllegalArgumentException.class, () -> DisclosureLimits.of(Map.of(1, none)));
    }

    @Test
    void encodingV3IsRefusedForItDoesNotBindTheAllowedAggregatesAndFields() {
        byte[] v3 = new WireWriter()
                .u8(3)
                .utf8(ComputeFixtures.TEMPLATE)
                .utf8(ComputeFixtures.request(null))
                .i32(0)
                .i32(0)
                .i32(0)
                .fixed(DIGEST)
                .i64(0)
                .i32(0)
                .toByteArray();
        MalformedEncodingException e = assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(v3));
        assertTrue(e.getMessage().contains("v3 is refused"), e.getMessage());
        assertTrue(e.getMessage().contains("aggregates and fields"), e.getMessage());
        assertTrue(e.getMessage().contains("encoding v4"), e.getMessage());
    }

    @Test
    void encodingV2IsRefusedForItDoesNotBindTheHospitalsLimits() {
        byte[] v2 = new WireWriter()
                .u8(2)
                .utf8(ComputeFixtures.TEMPLATE)
                .utf8(ComputeFixtures.request(null))
                .i32(0)
                .i32(0)
                .i32(0)
                .fixed(DIGEST)
                .i64(0)
                .toByteArray();
        MalformedEncodingException e = assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(v2));
        assertTrue(e.getMessage().contains("v2 is refused"), e.getMessage());
        assertTrue(e.getMessage().contains("disclosure limits"), e.getMessage());
    }

    @Test
    void invalidOrNonCanonicalDisclosureLimitsAreRefused() {
        DisclosureLimits plain = DisclosureLimits.of(Map.of(
                2,
                new HospitalDisclosure(25, 500_000, 2, true),
                1,
                new HospitalDisclosure(10, Long.MAX_VALUE, 1000, false)));
        byte[] good = limited(plain).toBytes();
        // each entry: 21 bytes of numbers and flag, then two empty lists (i32 0 each)
        int lists = 8;
        // the last entry's noise flag set to 2
        byte[] badFlag = good.clone();
        badFlag[badFlag.length - lists - 1] = 2;
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(badFlag));
        // hospital 2's rows per patient (i32 before the flag) set to 0
        byte[] badRows = good.clone();
        badRows[badRows.length - lists - 2] = 0;
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(badRows));
        // the two entries swapped (hospital 2 before 1)
        int entry = 21 + lists;
        byte[] swapped = good.clone();
        int first = good.length - 2 * entry;
        System.arraycopy(good, first + entry, swapped, first, entry);
        System.arraycopy(good, first, swapped, first + entry, entry);
        MalformedEncodingException e =
                assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(swapped));
        assertTrue(e.getMessage().contains("ascending"), e.getMessage());
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(trailing));
    }

    @Test
    void encodingV1IsRefusedWithAClearError() {
        byte[] v1 = new WireWriter()
                .u8(1)
                .utf8(ComputeFixtures.TEMPLATE)
                .utf8(ComputeFixtures.request(null))
                .i32(1)
                .i32(1)
                .i32(0)
                .i64(0)
                .toByteArray();
        MalformedEncodingException e = assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(v1));
        assertTrue(e.getMessage().contains("v1 is refused"), e.getMessage());
        assertTrue(e.getMessage().contains("consent"), e.getMessage());
    }

    @Test
    void nonCanonicalOrInvalidDecisionsAreRefused() throws Exception {
        byte[] unsorted = new WireWriter()
                .u8(4)
                .utf8(ComputeFixtures.TEMPLATE)
                .utf8(ComputeFixtures.request(null))
                .i32(0)
                .i32(0)
                .i32(2)
                .utf8("rec-b")
                .utf8("rec-a")
                .fixed(DIGEST)
                .i64(0)
                .i32(0)
                .toByteArray();
        MalformedEncodingException e =
                assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(unsorted));
        assertTrue(e.getMessage().contains("consent-denied"), e.getMessage());
        byte[] ok = query(List.of("rec-a"), DIGEST).toBytes();
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(Arrays.copyOf(ok, ok.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> query(List.of(), new byte[31]));
        assertThrows(IllegalArgumentException.class, () -> query(List.of(""), DIGEST));
    }

    @Test
    void theConsentDigestDependsOnIdsAndVersionsOnly() {
        assertArrayEquals(
                QueryConsent.digestOf(Map.of("c-2", 1, "c-1", 2)), DIGEST, "order of the map does not matter");
        assertFalse(Arrays.equals(QueryConsent.digestOf(Map.of("c-1", 2)), DIGEST));
        assertFalse(Arrays.equals(QueryConsent.digestOf(Map.of()), DIGEST));
        assertThrows(IllegalArgumentException.class, () -> QueryConsent.digestOf(Map.of("c-1", 0)));
    }
}
