package org.medshare.abe;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Collections;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {
    @Test
    void designExamplesParse() {
        Policy p = Policy.parse("(role:physician AND dept:cardiology) OR role:auditor");
        assertEquals("(role:physician AND dept:cardiology) OR role:auditor", p.toString());
        assertTrue(p.isSatisfiedBy(Set.of("role:auditor")));
        assertTrue(p.isSatisfiedBy(Set.of("role:physician", "dept:cardiology")));
        assertFalse(p.isSatisfiedBy(Set.of("role:physician")));

        Policy t = Policy.parse("2 of (org:hospital-a, org:hospital-b, purpose:insurance-stats)");
        assertEquals("2 of (org:hospital-a, org:hospital-b, purpose:insurance-stats)", t.toString());
        assertTrue(t.isSatisfiedBy(Set.of("org:hospital-b", "purpose:insurance-stats")));
        assertFalse(t.isSatisfiedBy(Set.of("org:hospital-b")));
    }

    @Test
    void operatorsAreCaseInsensitiveAndAndBindsTighter() {
        Policy p = Policy.parse("a:1 or b:2 AnD c:3");
        assertEquals("a:1 OR (b:2 AND c:3)", p.toString());
        assertTrue(p.isSatisfiedBy(Set.of("a:1")));
        assertFalse(p.isSatisfiedBy(Set.of("b:2")));
        assertEquals(p, Policy.parse("A:1".toLowerCase() + " OR (b:2 and c:3)"));
        assertEquals("2 of (a:1, b:2, c:3)", Policy.parse("2 OF(a:1,b:2 , c:3)").toString());
    }

    @Test
    void epochsAndRepeatsAreAttributes() {
        Policy p = Policy.parse("dept:cardiology@2026Q4 AND (dept:cardiology@2026Q4 OR x:y)");
        assertTrue(p.isSatisfiedBy(Set.of("dept:cardiology@2026Q4")));
        assertFalse(p.isSatisfiedBy(Set.of("dept:cardiology@2026Q3")));
        assertEquals(Set.of("dept:cardiology@2026Q4", "x:y"), p.attributes());
        assertEquals("2026Q4", Attribute.of("dept:cardiology@2026Q4").epoch().orElseThrow());
        assertEquals("dept", Attribute.of("dept:cardiology@2026Q4").key());
    }

    @Test
    void canonicalFormRoundTripsOnRandomPolicies() {
        Random r = new Random(42);
        for (int i = 0; i < 500; i++) {
            Policy p = Policy.parse(RandomPolicies.expression(r, 4));
            Policy q = Policy.parse(p.toString());
            assertEquals(p, q);
            assertEquals(p.toString(), q.toString());
            Set<String> attrs = RandomPolicies.attributeSet(r);
            assertEquals(p.isSatisfiedBy(attrs), q.isSatisfiedBy(attrs));
        }
    }

    private static void refused(String expr, int position) {
        PolicySyntaxException e = assertThrows(PolicySyntaxException.class, () -> Policy.parse(expr), expr);
        assertEquals(position, e.position(), expr + " -> " + e.getMessage());
        assertTrue(e.getMessage().endsWith("at position " + position), e.getMessage());
    }

    @Test
    void malformedExpressionsAreRefusedWithPosition() {
        refused("", 0);
        refused("   ", 3);
        refused("role:physician AND", 18);
        refused("role:physician AND (dept:cardiology", 35);
        refused("role:physician)", 14);
        refused("role", 0);
        refused("a:b OR :c", 7);
        refused("a:b OR c:", 7);
        refused("a:b AND or", 8);
        refused("a:b # c:d", 4);
        refused("3 of (a:b, c:d)", 0);
        refused("0 of (a:b, c:d)", 0);
        refused("2 (a:b, c:d)", 2);
        refused("2 of a:b, c:d", 5);
        refused("2 of (a:b c:d)", 10);
        refused("a:b AND AND c:d", 8);
        refused("(a:b", 4);
        refused("a:é", 2);
    }

    @Test
    void limitsAreEnforced() {
        String deep = "(".repeat(40) + "a:b" + ")".repeat(40);
        assertThrows(PolicySyntaxException.class, () -> Policy.parse(deep));
        String many = String.join(" OR ", Collections.nCopies(1100, "a:b"));
        assertThrows(PolicySyntaxException.class, () -> Policy.parse(many));
        assertThrows(PolicySyntaxException.class, () -> Policy.parse("a:" + "b".repeat(20_000)));
        assertThrows(PolicySyntaxException.class, () -> Policy.parse(null));
        StringBuilder big = new StringBuilder("300 of (");
        for (int i = 0; i < 600; i++) {
            big.append(i > 0 ? ", " : "").append("a:").append(i);
        }
        PolicySyntaxException e = assertThrows(PolicySyntaxException.class, () -> Policy.parse(big + ")"));
        assertTrue(e.getMessage().contains("too complex"), e.getMessage());
        String wideAnd = String.join(" AND ", Collections.nCopies(1000, "a:b"));
        assertEquals(1000, Policy.parse(wideAnd).spanProgram().rowCount());
    }
}
