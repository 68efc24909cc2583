package org.medshare.service.queries.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A completed query's result as the API shows it: the enclave-signed result document as a JSON object, with each
 * group's {@code hospital} key (the enclave's hospital number, {@code "1"}, {@code "2"}, …) replaced by an
 * {@code organisation} key holding the organisation id the service numbered that way. Hospital numbers are assigned
 * once and never change, so the mapping is the one the query ran under. The exact signed bytes stay available beside
 * it ({@code signedResult}), since {@code resultHash} and {@code resultSignature} are over those bytes.
 */
final class ResultDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultDocument() {}

    /**
     * The API's form of {@code signed}, or null when there is no result.
     *
     * @param organisations hospital number → organisation id; a number not in it stays a {@code hospital} key
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> organisationKeyed(String signed, Map<Integer, String> organisations) {
        if (signed == null) {
            return null;
        }
        JsonNode document;
        try {
            document = JSON.readTree(signed);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored result is not JSON", e);
        }
        for (JsonNode group : document.path("groups")) {
            if (group.path("key") instanceof ObjectNode key && key.has("hospital")) {
                String organisation = organisations.get(number(key.get("hospital")));
                if (organisation != null) {
                    ObjectNode rekeyed = JSON.createObjectNode();
                    for (Iterator<Map.Entry<String, JsonNode>> it = key.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> field = it.next();
                        if (field.getKey().equals("hospital")) {
                            rekeyed.put("organisation", organisation);
                        } else {
                            rekeyed.set(field.getKey(), field.getValue());
                        }
                    }
                    ((ObjectNode) group).set("key", rekeyed);
                }
            }
        }
        return JSON.convertValue(document, Map.class);
    }

    private static Integer number(JsonNode value) {
        try {
            return Integer.valueOf(value.asText());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
