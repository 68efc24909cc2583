package org.medshare.service.queries.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Explains, in words, the groups an enclave-signed result leaves out. Two guards of the statistics engine suppress a
 * group: the minimum group size (fewer than k distinct patients) and the differencing guard (its patients would differ
 * from those of a group this insurer already received by fewer than k, which would isolate a few patients). The
 * signed result counts suppressed groups ({@code suppressedGroups}); this note names the guards and says what a
 * result without any group costs.
 */
final class SuppressionNote {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String GUARDS = "the enclave's minimum group size (a group with fewer than k distinct patients) or "
            + "its differencing guard (a group whose patients would differ from a group of one of this insurer's "
            + "earlier results by fewer than k)";

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
        if (suppressed <= 0) {
            return null;
        }
        String groups = suppressed == 1 ? "1 group" : suppressed + " groups";
        if (result.path("groups").isEmpty()) {
            return "No group was released: " + groups + (suppressed == 1 ? " was" : " were") + " suppressed by "
                    + GUARDS + ". The query is charged "
                    + "like any other: the enclave read and computed on the records and spent the privacy budget, and "
                    + "a free empty answer would let an insurer probe group sizes at no cost.";
        }
        return groups + " suppressed by " + GUARDS + "; the released groups are unaffected.";
    }
}
