package org.medshare.service.queries.service;

import java.util.Locale;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryRequest;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Reads the two JSON documents of the query flow, a template and a request, within the lengths the database
 * keeps, and turns the statistics library's refusals into request refusals (400, the reason as kind).
 */
final class QueryDocuments {

    /** Longest template and request the database keeps (columns query_template.json, stat_query.request_json). */
    static final int MAX_TEMPLATE_CHARS = 65_536;

    static final int MAX_REQUEST_CHARS = 16_384;

    private QueryDocuments() {}

    static void requireAtMost(String what, String json, int maxChars) {
        if (json != null && json.length() > maxChars) {
            throw RequestRefusedException.tooLarge(
                    "too-large",
                    "Request too large",
                    "A " + what + " has at most " + maxChars + " characters; this one has " + json.length() + ".");
        }
    }

    static QueryTemplate template(String json) {
        try {
            return QueryTemplate.parse(json);
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
    }

    static QueryRequest request(String json) {
        try {
            return QueryRequest.parse(json);
        } catch (QueryRefusedException e) {
            throw refused(e);
        }
    }

    static RequestRefusedException refused(QueryRefusedException e) {
        String kind = e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
        return RequestRefusedException.invalid(kind, "Query refused", e.getMessage());
    }
}
