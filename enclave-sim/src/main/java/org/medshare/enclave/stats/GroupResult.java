package org.medshare.enclave.stats;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One released group: its key (group-by dimension name to label) and its values (name to number,
 * e.g. {@code count}, {@code mean}, {@code bin[0003]}, {@code q[0.5]}, {@code beta[claim]}).
 * Suppressed groups are never listed; {@link StatisticsResult#suppressedGroups()} counts them.
 */
public record GroupResult(SortedMap<String, String> key, SortedMap<String, Double> values) {
    public GroupResult {
        key = Collections.unmodifiableSortedMap(new TreeMap<>(key));
        values = Collections.unmodifiableSortedMap(new TreeMap<>(values));
    }

    /** The value named {@code name}; throws if absent. */
    public double value(String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no value " + name);
        }
        return v;
    }
}
