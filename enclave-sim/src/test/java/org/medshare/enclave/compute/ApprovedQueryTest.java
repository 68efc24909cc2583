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
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.enclave.stats.HospitalDisclosure;
import org.medshare.enclave.stats.QueryConsent;

/**
 * Encoding v3 of an approved query: it binds the consent decision and the hospitals' disclosure limits; v1 and v2,
 * which do not, are refused.
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
    void encodingV3RoundTripsWithTheConsentDecision() throws Exception {
        ApprovedQuery q = query(List.of("rec-z", "rec-a"), DIGEST);
        byte[] bytes = q.toBytes();
        assertEquals(3, bytes[0]);
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
            new HospitalDisclosure(25, 500_000, 2, true),
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
        DisclosureLimits looser = DisclosureLimits.of(Map.of(
                2,
                new HospitalDisclosure(25, 900_000, 2, true),
                1,
                new HospitalDisclosure(10, Long.MAX_VALUE, 1000, false)));
        assertFalse(Arrays.equals(hash, limited(looser).queryHash()), "a hospital's epsilon raised");
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
        byte[] good = limited(LIMITS).toBytes();
        // the last entry's noise flag (the final byte) set to 2
        byte[] badFlag = good.clone();
        badFlag[badFlag.length - 1] = 2;
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(badFlag));
        // hospital 2's rows per patient (i32 before the final flag) set to 0
        byte[] badRows = good.clone();
        badRows[badRows.length - 2] = 0;
        assertThrows(MalformedEncodingException.class, () -> ApprovedQuery.parse(badRows));
        // the two entries swapped (hospital 2 before 1): 21 bytes each
        byte[] swapped = good.clone();
        int first = good.length - 42;
        System.arraycopy(good, first + 21, swapped, first, 21);
        System.arraycopy(good, first, swapped, first + 21, 21);
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
                .u8(3)
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
