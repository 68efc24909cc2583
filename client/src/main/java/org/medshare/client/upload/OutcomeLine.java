package org.medshare.client.upload;

import java.util.List;
import java.util.stream.Collectors;

/** The one line {@code medshare upload} prints for a file that is on the service. */
final class OutcomeLine {
    /** Skipped rows and warnings shown on the line; the rest is counted (all are in the JSON report). */
    static final int SHOWN = 3;

    private OutcomeLine() {}

    /**
     * E.g. {@code uploaded b0.json: record hospital-a/…, 3 analytics rows; 1 row skipped: Encounter/x: it has no date}
     * or {@code uploaded xds.json: record …, stored without analytics rows (the bundle has no Claim or Encounter): shared,
     * not used in statistics}.
     */
    static String of(Outcome o) {
        StringBuilder s = new StringBuilder(o.kind() == Outcome.Kind.UPLOADED ? "uploaded " : "already uploaded ");
        s.append(o.file().getFileName()).append(": record ").append(o.recordId());
        Outcome.Stored stored = o.stored();
        Outcome.Content content = o.content();
        if (stored != null && stored.version() > 1) {
            s.append(" (version ")
                    .append(stored.version())
                    .append(" of record ")
                    .append(stored.recordOf())
                    .append(')');
        }
        if (stored != null) {
            if (stored.analyticsRows() > 0) {
                s.append(", ")
                        .append(stored.analyticsRows())
                        .append(" analytics row")
                        .append(stored.analyticsRows() == 1 ? "" : "s");
            } else {
                String why =
                        content != null && content.noRowsReason() != null ? " (" + content.noRowsReason() + ")" : "";
                s.append(", stored without analytics rows").append(why).append(": shared, not used in statistics");
            }
        }
        if (content != null && !content.skipped().isEmpty() && content.rows() > 0) {
            s.append("; ")
                    .append(content.skipped().size())
                    .append(content.skipped().size() == 1 ? " row" : " rows")
                    .append(" skipped: ")
                    .append(first(
                            content.skipped().stream().map(Object::toString).toList(),
                            content.skipped().size()));
        }
        if (content != null && content.warningCount() > 0) {
            s.append("; ")
                    .append(content.warningCount())
                    .append(" FHIR warning")
                    .append(content.warningCount() == 1 ? "" : "s")
                    .append(": ")
                    .append(first(content.warnings(), content.warningCount()));
        }
        return s.toString();
    }

    private static String first(List<String> items, int total) {
        String shown = items.stream().limit(SHOWN).collect(Collectors.joining("; "));
        return total > SHOWN ? shown + "; ... (" + (total - SHOWN) + " more, see --report)" : shown;
    }
}
