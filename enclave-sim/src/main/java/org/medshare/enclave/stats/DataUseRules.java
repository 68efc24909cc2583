package org.medshare.enclave.stats;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each hospital's data-use rules: which purposes, and within a purpose which templates, may use its
 * records. Default deny: a hospital without a rule contributes nothing. A rule with template
 * {@code "*"} allows every approved template of that purpose. Thread-safe.
 */
public final class DataUseRules {
    /** Wildcard template id. */
    public static final String ANY_TEMPLATE = "*";

    private final Map<Integer, Set<String>> allowed = new ConcurrentHashMap<>();

    private static String key(String purpose, String templateId) {
        return purpose + "\u0000" + templateId;
    }

    /** Hospital allows {@code templateId} (or {@link #ANY_TEMPLATE}) for {@code purpose}. */
    public void allow(int hospitalId, String purpose, String templateId) {
        allowed.computeIfAbsent(hospitalId, h -> ConcurrentHashMap.newKeySet()).add(key(purpose, templateId));
    }

    /** Removes a rule added by {@link #allow}. */
    public void disallow(int hospitalId, String purpose, String templateId) {
        Set<String> s = allowed.get(hospitalId);
        if (s != null) {
            s.remove(key(purpose, templateId));
        }
    }

    /** True if the hospital's rules let a query of this purpose and template use its records. */
    public boolean permits(int hospitalId, String purpose, String templateId) {
        Set<String> s = allowed.get(hospitalId);
        return s != null && (s.contains(key(purpose, templateId)) || s.contains(key(purpose, ANY_TEMPLATE)));
    }
}
