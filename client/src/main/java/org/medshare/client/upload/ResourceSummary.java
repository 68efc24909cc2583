package org.medshare.client.upload;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * The coarse resource summary a hospital may disclose with a record, for search: the types of the Bundle's entries,
 * with or without a count bucket ({@code 1}, {@code 2-9}, {@code 10-99}, {@code 100+}), never exact counts or
 * content. Sent as the signed tag {@value #TAG}, e.g. {@code Condition:2-9,Encounter:1,Patient:1}: types sorted,
 * at most {@value #MAX_TYPES} (a Bundle with more names the first ones and ends with {@code +}).
 */
public final class ResourceSummary {
    /** Name of the upload tag carrying the summary. */
    public static final String TAG = "resources";

    static final int MAX_TYPES = 32;

    /** How much the hospital discloses. */
    public enum Level {
        /** Types with count buckets (the default). */
        COUNTS,
        /** Types only. */
        TYPES,
        /** No summary. */
        NONE;

        /** Parses {@code counts}, {@code types} or {@code none}. */
        public static Level parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "counts" -> COUNTS;
                case "types" -> TYPES;
                case "none" -> NONE;
                default -> throw new IllegalArgumentException("--summary must be counts, types or none, got " + s);
            };
        }
    }

    private ResourceSummary() {}

    /** The tag value for {@code bundle} at {@code level}; null for {@link Level#NONE} or a Bundle without entries. */
    public static String of(Bundle bundle, Level level) {
        if (level == Level.NONE) {
            return null;
        }
        Map<String, Integer> counts = new TreeMap<>();
        for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
            Resource r = e.getResource();
            if (r != null) {
                counts.merge(r.fhirType(), 1, Integer::sum);
            }
        }
        if (counts.isEmpty()) {
            return null;
        }
        StringBuilder s = new StringBuilder();
        int n = 0;
        for (Map.Entry<String, Integer> c : counts.entrySet()) {
            if (n++ == MAX_TYPES) {
                s.append(",+");
                break;
            }
            s.append(s.length() == 0 ? "" : ",").append(c.getKey());
            if (level == Level.COUNTS) {
                s.append(':').append(bucket(c.getValue()));
            }
        }
        return s.toString();
    }

    static String bucket(int count) {
        return count == 1 ? "1" : count < 10 ? "2-9" : count < 100 ? "10-99" : "100+";
    }
}
