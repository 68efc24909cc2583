package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link QueryTemplate#parse} against the vectors in {@code stats/template-vectors.json}: every case has an
 * id and an expected outcome (valid with its aggregate kind, or refused with a reason and a message
 * fragment). All cases run; the failing ids are reported together.
 */
class QueryTemplateTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void templateVectors() throws IOException {
        JsonNode cases = vectors().get("cases");
        List<String> failures = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int valid = 0;
        for (JsonNode c : cases) {
            String id = c.get("id").asText();
            if (!ids.add(id)) {
                failures.add(id + ": duplicate case id");
                continue;
            }
            String json = c.has("text") ? c.get("text").asText() : MAPPER.writeValueAsString(c.get("template"));
            String failure = c.get("valid").asBoolean() ? checkValid(c, json) : checkRefused(c, json);
            if (failure != null) {
                failures.add(id + ": " + failure);
            }
            valid += c.get("valid").asBoolean() ? 1 : 0;
        }
        assertEquals(List.of(), failures, failures.size() + " of " + cases.size() + " cases failed");
        assertTrue(valid >= 10 && cases.size() - valid >= 50, "the vectors cover both outcomes");
    }

    private static String checkValid(JsonNode c, String json) {
        try {
            QueryTemplate t = QueryTemplate.parse(json);
            String kind = t.aggregate().kind().name();
            if (!kind.equals(c.get("kind").asText())) {
                return "parsed as " + kind + ", expected " + c.get("kind").asText();
            }
            if (!QueryTemplate.parse(json).hashHex().equals(t.hashHex())) {
                return "hash is not reproducible";
            }
            return null;
        } catch (QueryRefusedException e) {
            return "refused: " + e.getMessage();
        }
    }

    private static String checkRefused(JsonNode c, String json) {
        try {
            QueryTemplate.parse(json);
            return "accepted, expected " + c.get("reason").asText();
        } catch (QueryRefusedException e) {
            if (!e.reason().name().equals(c.get("reason").asText())) {
                return "refused with " + e.reason() + " (" + e.getMessage() + "), expected "
                        + c.get("reason").asText();
            }
            if (!e.getMessage().contains(c.get("message").asText())) {
                return "message '" + e.getMessage() + "' lacks '"
                        + c.get("message").asText() + "'";
            }
            return null;
        }
    }

    private static JsonNode vectors() throws IOException {
        try (InputStream in = QueryTemplateTest.class.getResourceAsStream("/stats/template-vectors.json")) {
            if (in == null) {
                throw new IOException("stats/template-vectors.json missing from the test class path");
            }
            return MAPPER.readTree(in);
        }
    }
}
