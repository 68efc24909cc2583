package org.medshare.enclave.rows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.InvalidKeyException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RowsTest {

    @Test
    void icd10EncodingRoundTripsAndPrefixesAreIntervals() {
        for (String c : new String[] {"E11", "E11.9", "E11.65", "I10", "C7A.01", "Z99.891", "A00.0"}) {
            assertEquals(c, Icd10.decode(Icd10.encode(c)));
        }
        assertEquals(Icd10.encode("E11.9"), Icd10.encode("e119"));
        assertEquals("S72.001", Icd10.decode(Icd10.encode("S72.001A")), "7th character is truncated");
        int lo = Icd10.prefixLow("E11");
        int hi = Icd10.prefixHigh("E11");
        for (String in : new String[] {"E11", "E11.0", "E11.9", "E11.65", "E11.ZZZ"}) {
            int v = Icd10.encode(in);
            assertTrue(v >= lo && v <= hi, in);
        }
        for (String out : new String[] {"E10.9", "E12", "E1", "F11", "D11.9"}) {
            if (Icd10.isCode(out)) {
                int v = Icd10.encode(out);
                assertFalse(v >= lo && v <= hi, out);
            }
        }
        assertTrue(Icd10.prefixLow("E") <= Icd10.encode("E00") && Icd10.prefixHigh("E") >= Icd10.encode("E99.999"));
        for (String bad : new String[] {"", "11E", "E", "EE1", "E11.", "E11.12345", "É11"}) {
            assertThrows(IllegalArgumentException.class, () -> Icd10.encode(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> Icd10.prefixLow("1"));
        assertThrows(IllegalArgumentException.class, () -> Icd10.decode(0));
    }

    @Test
    void rowRoundTripsThroughItsLayoutAndRefusesInvalidFields() {
        AnalyticsRow r = AnalyticsRow.of(
                -1234567890123L,
                8,
                Sex.FEMALE,
                new int[] {Icd10.encode("E11.9"), Icd10.encode("I10")},
                12345,
                10000,
                202403,
                16383);
        byte[] b = r.toBytes();
        assertEquals(RowLayout.ROW_BYTES, b.length);
        assertEquals(r, AnalyticsRow.readFrom(b, 0));
        assertEquals(202403, AnalyticsRow.readFrom(b, 0).serviceMonth());
        assertFalse(r.toString().contains("1234567890123"), "pseudonym not in toString");
        int[] icd = {Icd10.encode("A00")};
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 19, Sex.MALE, icd, 0, 0, 202401, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, -1, 0, 202401, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, 0, -5, 202401, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, 0, 0, 202413, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, 0, 0, 189912, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, 0, 0, 207009, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, Sex.MALE, icd, 0, 0, 202401, 16384));
        assertThrows(
                IllegalArgumentException.class,
                () -> AnalyticsRow.of(1, 3, Sex.MALE, new int[] {1, 2, 3, 4}, 0, 0, 202401, 1));
        assertThrows(IllegalArgumentException.class, () -> AnalyticsRow.of(1, 3, null, icd, 0, 0, 202401, 1));
    }

    @Test
    void pseudonymIsKeyedAndStable() throws Exception {
        PseudonymKey k1 = PseudonymKey.of(new byte[32]);
        byte[] other = new byte[32];
        other[0] = 1;
        PseudonymKey k2 = PseudonymKey.of(other);
        assertEquals(k1.pseudonymOf("urn:oid:1.2|123"), k1.pseudonymOf("urn:oid:1.2|123"));
        assertTrue(k1.pseudonymOf("urn:oid:1.2|123") != k2.pseudonymOf("urn:oid:1.2|123"));
        assertTrue(k1.pseudonymOf("urn:oid:1.2|123") != k1.pseudonymOf("urn:oid:1.2|124"));
        assertThrows(InvalidKeyException.class, () -> PseudonymKey.of(new byte[16]));
        assertEquals("PseudonymKey[redacted]", k1.toString());
    }

    static List<AnalyticsRow> randomRows(int n, long seed) {
        Random rnd = new Random(seed);
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(AnalyticsRow.of(
                    rnd.nextInt(2000) - 1000,
                    rnd.nextInt(19),
                    Sex.ofCode(rnd.nextInt(4)),
                    new int[] {Icd10.encode("E11." + rnd.nextInt(10))},
                    rnd.nextInt(1_000_000),
                    rnd.nextInt(1_000_000),
                    202001 + rnd.nextInt(12),
                    rnd.nextInt(5)));
        }
        return rows;
    }
}
