package org.medshare.service.queries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.records.PurposeOfUse;

/** The template namespace of a query decides its PurposeOfUse; the configuration is checked when it is read. */
class QueryPurposesTest {

    private static MedshareConfig config(Map<String, String> properties) {
        Map<String, String> props = new HashMap<>(properties);
        props.put("medshare.data-dir", "target/query-purposes-test");
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MedshareConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        return config.getConfigMapping(MedshareConfig.class);
    }

    @Test
    void aListedNamespaceHasItsPurposeAndEveryOtherTheDefault() {
        QueryPurposes purposes = QueryPurposes.of(config(Map.of(
                        "medshare.queries.purposes.\"insurance-stats\"", "HPAYMT",
                        "medshare.queries.purposes.\"public.health\"", "PUBHLTH"))
                .queries());
        assertEquals(PurposeOfUse.HPAYMT, purposes.purposeOf("insurance-stats"));
        assertEquals(PurposeOfUse.PUBHLTH, purposes.purposeOf("public.health"));
        assertEquals(PurposeOfUse.HRESCH, purposes.purposeOf("cohort-research"), "the default is research");
        assertEquals(PurposeOfUse.HRESCH, purposes.purposeOf("Insurance-stats"), "namespaces are exact");
        assertEquals(
                Map.of("insurance-stats", PurposeOfUse.HPAYMT, "public.health", PurposeOfUse.PUBHLTH),
                purposes.byNamespace());
    }

    @Test
    void withoutConfigurationEveryNamespaceIsResearchAndTheDefaultCanBeChanged() {
        QueryPurposes none = QueryPurposes.of(config(Map.of()).queries());
        assertEquals(Map.of(), none.byNamespace());
        assertEquals(PurposeOfUse.HRESCH, none.purposeOf("insurance-stats"));
        QueryPurposes operations = QueryPurposes.of(
                config(Map.of("medshare.queries.default-purpose", "HOPERAT")).queries());
        assertEquals(PurposeOfUse.HOPERAT, operations.purposeOf("anything"));
    }

    @Test
    void theServiceConfigurationMakesInsurerStatisticsPaymentUse() {
        QueryPurposes purposes = QueryPurposes.of(Map.of("insurance-stats", "HPAYMT"), "HRESCH");
        assertEquals(PurposeOfUse.HPAYMT, purposes.purposeOf("insurance-stats"));
    }

    @Test
    void unknownCodesAndBadNamespacesAreRefusedNamingTheKey() {
        IllegalArgumentException code = assertThrows(
                IllegalArgumentException.class, () -> QueryPurposes.of(Map.of("insurance-stats", "PAYMENT"), "HRESCH"));
        assertTrue(code.getMessage().contains("medshare.queries.purposes.\"insurance-stats\""), code.getMessage());
        assertTrue(code.getMessage().contains("HPAYMT"), "lists the codes: " + code.getMessage());
        IllegalArgumentException lower =
                assertThrows(IllegalArgumentException.class, () -> QueryPurposes.of(Map.of("x", "hpaymt"), "HRESCH"));
        assertTrue(lower.getMessage().contains("'hpaymt'"), lower.getMessage());
        IllegalArgumentException fallback =
                assertThrows(IllegalArgumentException.class, () -> QueryPurposes.of(Map.of(), "NONE"));
        assertTrue(fallback.getMessage().contains("medshare.queries.default-purpose"), fallback.getMessage());
        IllegalArgumentException namespace =
                assertThrows(IllegalArgumentException.class, () -> QueryPurposes.of(Map.of("a/b", "HPAYMT"), "HRESCH"));
        assertTrue(namespace.getMessage().contains("'a/b'"), namespace.getMessage());
    }
}
