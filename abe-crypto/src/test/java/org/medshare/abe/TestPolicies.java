package org.medshare.abe;

import java.util.Random;
import java.util.Set;

/** Public bridge so tests in sub-packages can use {@link RandomPolicies}. */
public final class TestPolicies {
    private TestPolicies() {}

    public static String expression(Random r, int depth) {
        return RandomPolicies.expression(r, depth);
    }

    public static Set<String> attributeSet(Random r) {
        return RandomPolicies.attributeSet(r);
    }
}
