package org.medshare.enclave.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/**
 * An insurer's request to run one approved template (QUERY.md §Request):
 * <pre>{"templateId": "...", "templateVersion": 1, "insurerId": "...", "purpose": "...",
 *  "parameters": {"name": value, ...}, "epsilon": 0.5}</pre>
 * Only these fields exist; anything else is refused. {@code epsilon} is optional when the template's
 * DP mode is {@code none} or {@code optional}. Parameter values are checked against the template at
 * run time ({@link StatisticsEngine}); here only the shape is checked. ε is validated here too:
 * NaN cannot be written in JSON, and a non-positive ε is refused.
 */
public final class QueryRequest {
    private static final Set<String> FIELDS =
            Set.of("templateId", "templateVersion", "insurerId", "purpose", "parameters", "epsilon");

    private final String templateId;
    private final int templateVersion;
    private final String insurerId;
    private final String purpose;
    private final Map<String, JsonNode> parameters;
    private final Double epsilon;
    private final byte[] parameterHash;

    private QueryRequest(
            String templateId,
            int templateVersion,
            String insurerId,
            String purpose,
            Map<String, JsonNode> parameters,
            Double epsilon,
            byte[] parameterHash) {
        this.templateId = templateId;
        this.templateVersion = templateVersion;
        this.insurerId = insurerId;
        this.purpose = purpose;
        this.parameters = parameters;
        this.epsilon = epsilon;
        this.parameterHash = parameterHash;
    }

    /**
     * Parses a request.
     *
     * @throws QueryRefusedException MALFORMED, UNKNOWN_FIELD or EPSILON_INVALID
     */
    public static QueryRequest parse(String json) throws QueryRefusedException {
        JsonNode root = Json.parse(json);
        Json.onlyFields(root, "request", FIELDS);
        String tid = Json.text(root, "templateId", "request");
        long v = Json.integer(Json.required(root, "templateVersion", "request"), "request.templateVersion");
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new QueryRefusedException(Reason.MALFORMED, "request.templateVersion must be a positive integer");
        }
        String insurer = Json.text(root, "insurerId", "request");
        String purpose = Json.text(root, "purpose", "request");
        Map<String, JsonNode> params = new LinkedHashMap<>();
        if (root.has("parameters")) {
            JsonNode p = root.get("parameters");
            if (!p.isObject()) {
                throw new QueryRefusedException(Reason.MALFORMED, "request.parameters must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isValueNode() || e.getValue().isNull()) {
                    throw new QueryRefusedException(
                            Reason.PARAMETER_INVALID, "parameter " + e.getKey() + " must be a scalar");
                }
                params.put(e.getKey(), e.getValue());
            }
        }
        Double eps = null;
        if (root.has("epsilon")) {
            JsonNode e = root.get("epsilon");
            if (!e.isNumber()) {
                throw new QueryRefusedException(Reason.EPSILON_INVALID, "epsilon must be a number");
            }
            eps = e.asDouble();
            checkEpsilon(eps);
        }
        byte[] ph;
        try {
            ph = Sha256.hash(Json.MAPPER.writeValueAsBytes(Json.MAPPER.treeToValue(
                    root.has("parameters") ? root.get("parameters") : Json.MAPPER.createObjectNode(), Object.class)));
        } catch (JsonProcessingException ex) {
            throw new QueryRefusedException(Reason.MALFORMED, "parameters cannot be canonicalised");
        }
        return new QueryRequest(tid, (int) v, insurer, purpose, Collections.unmodifiableMap(params), eps, ph);
    }

    static void checkEpsilon(double eps) throws QueryRefusedException {
        try {
            PrivacyBudget.toMicros(eps);
        } catch (IllegalArgumentException ex) {
            throw new QueryRefusedException(Reason.EPSILON_INVALID, ex.getMessage());
        }
    }

    /**
     * Builds a request programmatically (same checks as {@link #parse}); {@code epsilon} may be null.
     */
    public static QueryRequest of(
            String templateId,
            int templateVersion,
            String insurerId,
            String purpose,
            Map<String, ?> parameters,
            Double epsilon)
            throws QueryRefusedException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("templateId", templateId);
        m.put("templateVersion", templateVersion);
        m.put("insurerId", insurerId);
        m.put("purpose", purpose);
        m.put("parameters", parameters);
        if (epsilon != null) {
            if (epsilon.isNaN() || epsilon.isInfinite()) {
                throw new QueryRefusedException(Reason.EPSILON_INVALID, "epsilon must be a finite positive number");
            }
            m.put("epsilon", epsilon);
        }
        try {
            return parse(Json.MAPPER.writeValueAsString(m));
        } catch (JsonProcessingException e) {
            throw new QueryRefusedException(Reason.MALFORMED, "request cannot be serialised");
        }
    }

    public String templateId() {
        return templateId;
    }

    public int templateVersion() {
        return templateVersion;
    }

    public String insurerId() {
        return insurerId;
    }

    public String purpose() {
        return purpose;
    }

    /** Parameter values as given (JSON scalars). */
    public Map<String, JsonNode> parameters() {
        return parameters;
    }

    public OptionalDouble epsilon() {
        return epsilon == null ? OptionalDouble.empty() : OptionalDouble.of(epsilon);
    }

    /** SHA-256 over the canonical JSON of the parameters object (keys sorted). */
    public byte[] parameterHash() {
        return parameterHash.clone();
    }

    @Override
    public String toString() {
        return "QueryRequest[" + templateId + " v" + templateVersion + ", insurer=" + insurerId + "]";
    }
}
