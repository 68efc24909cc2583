package org.medshare.service.queries.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;

/**
 * Explains, in words, the groups an enclave-signed result leaves out. Two guards of the statistics engine suppress a
 * group: the minimum group size (fewer than k distinct patients) and the differencing guard (the rows it used would
 * differ from those of a group this insurer already received in the rows of fewer than k patients, which would isolate
 * a few patients). The signed result counts suppressed groups ({@code suppressedGroups}), how many each guard
 * suppressed ({@code suppressedBy}) and the single values withheld inside released groups ({@code suppressedValues}:
 * histogram bins, exact quantiles, regression coefficients that fewer than k patients back); this note names them and
 * says what a result without any group costs.
 */
final class SuppressionNote {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String GUARDS = "the enclave's minimum group size (a group with fewer than k distinct patients) or "
            + "its differencing guard (a group whose rows would differ from those of a group of one of this insurer's "
            + "earlier results in the rows of fewer than k patients)";
    static final String VALUES = " withheld inside released groups (a histogram bin, quantile or regression that "
            + "fewer than k distinct patients back and no noise covers).";

    private SuppressionNote() {}

    /** The note for a signed result JSON; null when it is absent, unreadable or suppressed nothing. */
    static String of(String resultJson) {
        if (resultJson == null) {
            return null;
        }
        JsonNode result;
        try {
            result = JSON.readTree(resultJson);
        } catch (IOException e) {
            return null;
        }
        int suppressed = result.path("suppressedGroups").asInt(0);
        int values = result.path("suppressedValues").asInt(0);
        String withheld = values <= 0 ? "" : (values == 1 ? "1 value" : values + " values") + VALUES;
        if (suppressed <= 0) {
            return values <= 0 ? null : withheld.substring(0, 1).toUpperCase(Locale.ROOT) + withheld.substring(1);
        }
        String more =
                values <= 0 ? "" : " " + withheld.substring(0, 1).toUpperCase(Locale.ROOT) + withheld.substring(1);
        String groups = suppressed == 1 ? "1 group" : suppressed + " groups";
        String how = how(result.path("suppressedBy"));
        if (result.path("groups").isEmpty()) {
            return "No group was released: " + groups + (suppressed == 1 ? " was" : " were") + " suppressed" + how
                    + ". The query is charged "
                    + "like any other: the enclave read and computed on the records and spent the privacy budget, and "
                    + "a free empty answer would let an insurer probe group sizes at no cost.";
        }
        return groups + " suppressed" + how + "; the released groups are unaffected." + more;
    }

    /** Which guards suppressed, from the signed result's per-guard counts; both in general terms when it has none. */
    private static String how(JsonNode by) {
        if (!by.isObject()) {
            return " by " + GUARDS;
        }
        int small = by.path("minimumGroupSize").asInt(0);
        int differencing = by.path("differencing").asInt(0);
        String smallGuard = "the enclave's minimum group size (fewer than k distinct patients)";
        String differencingGuard =
                "the enclave's differencing guard (the rows would differ from those of a group of one "
                        + "of this insurer's earlier results in the rows of fewer than k patients)";
        if (differencing == 0) {
            return " by " + smallGuard;
        }
        if (small == 0) {
            return " by " + differencingGuard;
        }
        return ": " + small + " by " + smallGuard + " and " + differencing + " by " + differencingGuard;
    }
}
