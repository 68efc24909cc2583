package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.enclave.compute.ApprovedQuery;
import org.medshare.enclave.keyrelease.QueryApproval;

/**
 * A regulator's approval, signed on its own side over what it read: the query's approval terms as the service
 * sends them ({@code GET /api/v1/queries/{id}/approval-terms}), checked here before anything is signed.
 */
public final class ApprovalTerms {
    private ApprovalTerms() {}

    /**
     * Checks {@code terms} and signs them.
     *
     * @throws CliFailure verification failure (exit 1) when the terms name another query, their content hash is not
     *     that of their own template and request texts, or a purpose attribute is not the template's purpose
     */
    public static QueryApproval sign(String queryId, JsonNode terms, Instant notAfter, KeyPair approver) {
        String template = Json.text(terms, "template");
        String request = Json.text(terms, "request");
        if (!queryId.equals(Json.text(terms, "queryId")) || template == null || request == null) {
            throw CliFailure.verification("the service's approval terms are not those of query " + queryId);
        }
        byte[] contentHash = ApprovedQuery.contentHash(template, request);
        if (!HexFormat.of().formatHex(contentHash).equals(Json.text(terms, "contentHash"))) {
            throw CliFailure.verification("the service's content hash is not that of the template and request it sent");
        }
        String purpose;
        try {
            purpose = Json.text(Json.parse(template.getBytes(StandardCharsets.UTF_8)), "purpose");
        } catch (IOException e) {
            throw CliFailure.verification("the query's template is not JSON");
        }
        Set<String> attributes = new TreeSet<>();
        terms.path("purposeAttributes").forEach(a -> attributes.add(a.asText()));
        if (purpose == null
                || attributes.isEmpty()
                || !attributes.stream()
                        .allMatch(a -> a.matches("purpose:" + Pattern.quote(purpose) + "@[0-9]{4}Q[1-4]"))) {
            throw CliFailure.verification("the service asks to release keys for " + attributes
                    + ", beyond the template's purpose " + purpose);
        }
        try {
            return QueryApproval.sign(queryId, contentHash, attributes, notAfter, approver);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw CliFailure.verification("cannot sign the approval: " + e.getMessage());
        }
    }
}
