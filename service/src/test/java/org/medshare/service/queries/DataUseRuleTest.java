package org.medshare.service.queries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataUseRuleTest {

    @Test
    void parsesBothFormsAndWritesThemBack() {
        assertEquals(
                Optional.of(new DataUseRule("insurance-stats", "count-by-age-sex")),
                DataUseRule.parse("insurance-stats/count-by-age-sex"));
        DataUseRule any = DataUseRule.parse("insurance-stats/*").orElseThrow();
        assertEquals(DataUseRule.ANY_TEMPLATE, any.templateId());
        assertEquals("insurance-stats/*", any.toString());
    }

    @Test
    void refusesEveryOtherForm() {
        for (String bad : List.of(
                "",
                "insurance-stats",
                "/count",
                "insurance-stats/",
                "insurance-stats/a/b",
                "insurance stats/*",
                "../../*",
                "*/*",
                "versicherung-\u00e4/*",
                "a".repeat(65) + "/*",
                "insurance-stats/" + "a".repeat(65),
                "insurance-stats/*\n")) {
            assertTrue(DataUseRule.parse(bad).isEmpty(), bad);
        }
        assertTrue(DataUseRule.parse(null).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> new DataUseRule("insurance-stats", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> new DataUseRule(null, "*"));
    }

    /** Equal rules are one rule, so that a list naming a rule twice can be recognised. */
    @Test
    void equalRulesAreOne() {
        assertEquals(1, Set.of(DataUseRule.parse("p/t").orElseThrow()).size());
        assertEquals(new DataUseRule("p", "t"), DataUseRule.parse("p/t").orElseThrow());
        assertEquals(
                new DataUseRule("p", "t").hashCode(),
                DataUseRule.parse("p/t").orElseThrow().hashCode());
    }
}
