package org.medshare.enclave.stats;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Iterator;
import java.util.Set;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/** Strict JSON reading: duplicate keys, unknown fields and wrong types are refused. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Json() {}

    static JsonNode parse(String json) throws QueryRefusedException {
        if (json == null) {
            throw new QueryRefusedException(Reason.MALFORMED, "no JSON");
        }
        try {
            JsonNode n = MAPPER.readTree(json);
            if (n == null || !n.isObject()) {
                throw new QueryRefusedException(Reason.MALFORMED, "expected a JSON object");
            }
            return n;
        } catch (JsonProcessingException e) {
            throw new QueryRefusedException(Reason.MALFORMED, "not well-formed JSON: " + e.getOriginalMessage());
        }
    }

    static void onlyFields(JsonNode obj, String where, Set<String> allowed) throws QueryRefusedException {
        if (!obj.isObject()) {
            throw new QueryRefusedException(Reason.MALFORMED, where + " must be an object");
        }
        for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown field '" + f + "' in " + where);
            }
        }
    }

    static JsonNode required(JsonNode obj, String field, String where) throws QueryRefusedException {
        JsonNode n = obj.get(field);
        if (n == null || n.isNull()) {
            throw new QueryRefusedException(Reason.MALFORMED, where + "." + field + " is required");
        }
        return n;
    }

    static String text(JsonNode obj, String field, String where) throws QueryRefusedException {
        JsonNode n = required(obj, field, where);
        if (!n.isTextual() || n.asText().isEmpty()) {
            throw new QueryRefusedException(Reason.MALFORMED, where + "." + field + " must be a non-empty string");
        }
        return n.asText();
    }

    static long integer(JsonNode n, String where) throws QueryRefusedException {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new QueryRefusedException(Reason.MALFORMED, where + " must be an integer");
        }
        return n.asLong();
    }

    static double number(JsonNode n, String where) throws QueryRefusedException {
        if (!n.isNumber()) {
            throw new QueryRefusedException(Reason.MALFORMED, where + " must be a number");
        }
        return n.asDouble();
    }
}
