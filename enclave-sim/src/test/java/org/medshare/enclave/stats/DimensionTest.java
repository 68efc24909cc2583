package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.FeatureKind;

/**
 * Pins each group-by dimension and regression feature kind: its code and the value it reads from one
 * known row, so that reordering or renumbering the constants fails here instead of changing results.
 */
class DimensionTest {
    /** Age band 9, male, E11.9 in slot 1, claim 12 345, payment 6 789, 2024-03, hospital 77. */
    private static final AnalyticsRow ROW = AnalyticsRow.of(
            5, 9, Sex.MALE, new int[] {Icd10.encode("I10"), Icd10.encode("E11.9")}, 12_345, 6_789, 202403, 77);

    @Test
    void dimensionCodesAndValuesArePinned() {
        int packed = RowLayout.packed(ROW.toBytes(), 0);
        int month = ServiceMonth.indexOf(202403);
        Map<Dimension, int[]> expected = Map.of(
                Dimension.AGE_BAND, new int[] {1, 9},
                Dimension.SEX, new int[] {2, Sex.MALE.code()},
                Dimension.HOSPITAL, new int[] {3, 77},
                Dimension.SERVICE_YEAR, new int[] {4, month / 12},
                Dimension.SERVICE_MONTH, new int[] {5, month});
        assertEquals(Dimension.values().length, expected.size(), "every dimension is pinned");
        for (Dimension d : Dimension.values()) {
            assertEquals(expected.get(d)[0], d.code, d + " code");
            assertEquals(expected.get(d)[1], d.valueOf(packed), d + " value");
        }
        assertEquals(124, month / 12, "2024 is year 124 since 1900");
    }

    @Test
    void dimensionLabelsAndDomains() {
        assertEquals("45-49", Dimension.AGE_BAND.label(9));
        assertEquals("male", Dimension.SEX.label(Sex.MALE.code()));
        assertEquals("77", Dimension.HOSPITAL.label(77));
        assertEquals("2024", Dimension.SERVICE_YEAR.label(124));
        assertEquals("202403", Dimension.SERVICE_MONTH.label(ServiceMonth.indexOf(202403)));
        assertEquals(
                List.of(32, 4, RowLayout.MAX_HOSPITAL + 1, 171, ServiceMonth.MAX_INDEX + 1),
                Arrays.stream(new Dimension[] {
                            Dimension.AGE_BAND,
                            Dimension.SEX,
                            Dimension.HOSPITAL,
                            Dimension.SERVICE_YEAR,
                            Dimension.SERVICE_MONTH
                        })
                        .map(d -> d.domain)
                        .toList());
    }

    @Test
    void featureCodesAndValuesArePinned() {
        byte[] b = ROW.toBytes();
        int packed = RowLayout.packed(b, 0);
        Map<FeatureKind, double[]> expected = Map.of(
                FeatureKind.CLAIM, new double[] {1, 12_345},
                FeatureKind.PAYMENT, new double[] {2, 6_789},
                FeatureKind.AGE_BAND, new double[] {3, 9},
                FeatureKind.SEX_FEMALE, new double[] {4, 0},
                FeatureKind.SEX_MALE, new double[] {5, 1},
                FeatureKind.SERVICE_MONTH, new double[] {6, ServiceMonth.indexOf(202403)},
                FeatureKind.ICD, new double[] {7, 1});
        assertEquals(FeatureKind.values().length, expected.size(), "every feature kind is pinned");
        for (FeatureKind k : FeatureKind.values()) {
            Feature f = new Feature(k.name(), k, Icd10.prefixLow("E11"), Icd10.prefixHigh("E11"));
            assertEquals((int) expected.get(k)[0], k.code, k + " code");
            assertEquals(expected.get(k)[1], f.valueIn(b, 0, packed), k + " value");
        }
        Feature j45 = new Feature("icd:J45", FeatureKind.ICD, Icd10.prefixLow("J45"), Icd10.prefixHigh("J45"));
        assertEquals(0, j45.valueIn(b, 0, packed), "an absent prefix reads 0");
    }
}
