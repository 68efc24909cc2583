package org.medshare.abe;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** Generates random policy expressions (depth, thresholds, repeated attributes) from a seeded Random. */
final class RandomPolicies {
    static final String[] ATTRS = {
        "role:physician",
        "role:nurse",
        "role:auditor",
        "dept:cardiology@2026Q4",
        "dept:oncology",
        "org:hospital-a",
        "org:hospital-b",
        "purpose:insurance-stats"
    };

    private RandomPolicies() {}

    static String expression(Random r, int depth) {
        if (depth == 0 || r.nextInt(4) == 0) {
            return ATTRS[r.nextInt(ATTRS.length)];
        }
        int n = 2 + r.nextInt(3);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            parts.add(expression(r, depth - 1));
        }
        switch (r.nextInt(3)) {
            case 0:
                return "(" + String.join(r.nextBoolean() ? " AND " : " and ", parts) + ")";
            case 1:
                return "(" + String.join(r.nextBoolean() ? " OR " : " Or ", parts) + ")";
            default:
                return (1 + r.nextInt(n)) + " of (" + String.join(", ", parts) + ")";
        }
    }

    static Set<String> attributeSet(Random r) {
        Set<String> s = new HashSet<>();
        for (String a : ATTRS) {
            if (r.nextInt(5) < 3) {
                s.add(a);
            }
        }
        if (s.isEmpty()) {
            s.add(ATTRS[0]);
        }
        return s;
    }
}
