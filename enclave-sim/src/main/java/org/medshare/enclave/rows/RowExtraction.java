package org.medshare.enclave.rows;

import java.util.List;

/**
 * What {@link RowExtractor} made of one Bundle: the rows it could map and, for every row it could not, which
 * resource and why. A Bundle with no Claim and no Encounter has neither rows nor skips.
 *
 * @param rows    the analytics rows, in Bundle order (Claims first, then Encounters without a Claim)
 * @param skipped one entry per Claim or unclaimed Encounter that gave no row
 */
public record RowExtraction(List<AnalyticsRow> rows, List<Skip> skipped) {
    public RowExtraction {
        rows = List.copyOf(rows);
        skipped = List.copyOf(skipped);
    }

    /**
     * A row that was not extracted.
     *
     * @param resource the Claim or Encounter, as {@code Type/id}, {@code Type urn:uuid:…} or {@code Type #n} (its
     *                 position among the Bundle's entries when it has no id)
     * @param reason   one line, e.g. {@code "its Patient is not human (patient-animal extension)"}
     */
    public record Skip(String resource, String reason) {
        @Override
        public String toString() {
            return resource + ": " + reason;
        }
    }

    /** Why the Bundle has no rows, for a record stored without them; null when it has rows. */
    public String noRowsReason() {
        if (!rows.isEmpty()) {
            return null;
        }
        if (skipped.isEmpty()) {
            return "the bundle has no Claim or Encounter";
        }
        return "every Claim or Encounter was skipped (" + skipped.size() + "; first: " + skipped.get(0) + ")";
    }
}
