package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.stats.AggregateSpec.Kind;

/** The most restrictive combination of hospitals' limits, and what a template discloses. */
class HospitalDisclosureTest {

    private static HospitalDisclosure limits(Allowed<Kind> aggregates, Allowed<DisclosedField> fields) {
        return new HospitalDisclosure(10, 1_000_000, 5, false, aggregates, fields);
    }

    @Test
    void theStrictestCombinationTakesTheLargerKTheSmallerLimitsAndNoiseIfEitherWantsIt() {
        HospitalDisclosure a = new HospitalDisclosure(20, 2_000_000, 3, false);
        HospitalDisclosure b = new HospitalDisclosure(5, 500_000, 8, true);
        HospitalDisclosure both = a.strictest(b);
        assertEquals(new HospitalDisclosure(20, 500_000, 3, true), both);
        assertEquals(both, b.strictest(a));
        assertEquals(a, a.strictest(HospitalDisclosure.NONE));
    }

    @Test
    void allowedAggregatesAndFieldsCombineByIntersectingTheHospitalsThatListAny() {
        HospitalDisclosure countMean =
                limits(Allowed.only(List.of(Kind.COUNT, Kind.MEAN)), Allowed.only(List.of(DisclosedField.SEX)));
        HospitalDisclosure meanSum = limits(Allowed.only(List.of(Kind.MEAN, Kind.SUM)), Allowed.any());
        HospitalDisclosure both = countMean.strictest(meanSum);
        assertEquals(Allowed.only(List.of(Kind.MEAN)), both.allowedAggregates());
        assertEquals(Allowed.only(List.of(DisclosedField.SEX)), both.allowedFields(), "any is neutral");
        assertEquals(both, meanSum.strictest(countMean));

        HospitalDisclosure sumOnly = limits(Allowed.only(List.of(Kind.SUM)), Allowed.any());
        HospitalDisclosure disjoint = countMean.strictest(sumOnly);
        assertTrue(disjoint.allowedAggregates().isNone(), "two disjoint lists allow nothing");
        for (Kind k : Kind.values()) {
            assertTrue(!disjoint.allowedAggregates().allows(k), k.toString());
        }
        assertTrue(HospitalDisclosure.NONE
                .strictest(HospitalDisclosure.NONE)
                .allowedFields()
                .isAny());
    }

    @Test
    void anEmptyListOfAHospitalAllowsAny() {
        assertTrue(Allowed.<Kind>anyIfEmpty(List.of()).isAny());
        assertTrue(Allowed.<Kind>only(List.of()).isNone());
        assertEquals(Allowed.only(List.of(Kind.OLS)), Allowed.anyIfEmpty(List.of(Kind.OLS)));
        assertThrows(NullPointerException.class, () -> limits(null, Allowed.any()));
    }

    @Test
    void aTemplateDisclosesItsAggregatedFieldsItsRegressionFeaturesAndItsGroupByDimensions() throws Exception {
        assertEquals(
                EnumSet.of(DisclosedField.CLAIM, DisclosedField.HOSPITAL),
                DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.MEAN_T)));
        assertEquals(
                EnumSet.of(DisclosedField.AGE_BAND, DisclosedField.SEX),
                DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.COUNT_T)),
                "the count's filters on diagnosis and service month are not counted");
        assertEquals(
                EnumSet.of(DisclosedField.CLAIM, DisclosedField.SERVICE_YEAR),
                DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.QUANT_T)));
        assertEquals(
                EnumSet.of(DisclosedField.PAYMENT, DisclosedField.CLAIM, DisclosedField.AGE_BAND),
                DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.OLS_T)));
        assertEquals(
                EnumSet.of(DisclosedField.DIAGNOSIS, DisclosedField.CLAIM, DisclosedField.SEX),
                DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.LOGIT_T)));
        assertEquals(Set.of(), DisclosedField.of(QueryTemplate.parse(StatisticsEngineTest.ISOLATE_T)));
    }

    @Test
    void namesRoundTrip() {
        for (DisclosedField f : DisclosedField.values()) {
            assertEquals(f, DisclosedField.byJsonName(f.jsonName()));
        }
        for (Kind k : Kind.values()) {
            assertEquals(k, Kind.byJsonName(k.jsonName()));
        }
        assertEquals(null, Kind.byJsonName("COUNT"));
    }
}
