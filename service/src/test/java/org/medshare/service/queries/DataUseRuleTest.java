package org.medshare.service.queries;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataUseRuleTest {

    private static final String HASH = "3f1b" + "9c".repeat(30);

    @Test
    void parsesEveryFormAndWritesItBack() {
        assertEquals(
                Optional.of(new DataUseRule("insurance-stats", "count-by-age-sex")),
                DataUseRule.parse("insurance-stats/count-by-age-sex"));
        DataUseRule any = DataUseRule.parse("insurance-stats/*").orElseThrow();
        assertEquals(DataUseRule.ANY_TEMPLATE, any.template());
        assertEquals("insurance-stats/*", any.toString());
        String pinned = "insurance-stats/sha256:" + HASH;
        assertEquals("sha256:" + HASH, DataUseRule.parse(pinned).orElseThrow().template());
        assertEquals(pinned, DataUseRule.parse(pinned).orElseThrow().toString());
    }

    @Test
    void aRuleAllowsItsTemplateIdEveryTemplateOrExactlyOneContent() {
        assertTrue(DataUseRule.anyAllows(Set.of("insurance-stats/count"), "insurance-stats", "count", HASH));
        assertTrue(DataUseRule.anyAllows(Set.of("insurance-stats/*"), "insurance-stats", "count", HASH));
        assertTrue(DataUseRule.anyAllows(Set.of("insurance-stats/sha256:" + HASH), "insurance-stats", "count", HASH));
        String changed = HASH.substring(0, 63) + "0";
        assertFalse(
                DataUseRule.anyAllows(Set.of("insurance-stats/sha256:" + HASH), "insurance-stats", "count", changed));
        assertFalse(DataUseRule.anyAllows(Set.of("research/*", "research/count"), "insurance-stats", "count", HASH));
        assertFalse(DataUseRule.anyAllows(Set.of("research/sha256:" + HASH), "insurance-stats", "count", HASH));
        assertFalse(DataUseRule.anyAllows(Set.of(), "insurance-stats", "count", HASH));
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
                "insurance-stats/*\n",
                "insurance-stats/sha256:" + HASH.toUpperCase(Locale.ROOT),
                "insurance-stats/sha256:" + HASH.substring(1),
                "insurance-stats/sha256:" + HASH + "0",
                "insurance-stats/sha512:" + HASH,
                "insurance-stats/sha256:*")) {
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
