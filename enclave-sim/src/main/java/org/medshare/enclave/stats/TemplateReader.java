package org.medshare.enclave.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.stats.AggregateSpec.Kind;
import org.medshare.enclave.stats.QueryRefusedException.Reason;
import org.medshare.enclave.stats.QueryTemplate.DpMode;
import org.medshare.enclave.stats.QueryTemplate.Mechanism;
import org.medshare.enclave.stats.QueryTemplate.ParamType;
import org.medshare.enclave.stats.QueryTemplate.Parameter;
import org.medshare.enclave.stats.QueryTemplate.Privacy;
import org.medshare.enclave.stats.QueryTemplate.Term;

/**
 * Reads a {@link QueryTemplate} from its JSON ({@code enclave-sim/QUERY.md}, "Template") and checks
 * every rule a template must satisfy on its own; the aggregate is read by {@link AggregateReader}.
 * The first broken rule is refused with MALFORMED (shape), UNKNOWN_FIELD (a name the schema does not
 * define) or TEMPLATE_INVALID (a value outside what the engine allows), naming the field.
 */
final class TemplateReader {
    private static final Set<String> TOP = Set.of(
            "id", "version", "purpose", "description", "parameters", "filter", "groupBy", "aggregate", "privacy");
    private static final Map<String, ParamType> FILTER_TYPES = Map.of(
            "ageBand",
            ParamType.AGE_BAND,
            "sex",
            ParamType.SEX,
            "icd10Prefix",
            ParamType.ICD10_PREFIX,
            "serviceMonth",
            ParamType.MONTH,
            "hospital",
            ParamType.HOSPITAL);
    private static final long MAX_GROUP_BINS = 1 << 22;

    private TemplateReader() {}

    static QueryTemplate read(String json) throws QueryRefusedException {
        JsonNode root = Json.parse(json);
        Json.onlyFields(root, "template", TOP);
        String id = Json.text(root, "id", "template");
        if (!id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new QueryRefusedException(Reason.MALFORMED, "template.id must match [A-Za-z0-9._-]{1,64}");
        }
        long version = Json.integer(Json.required(root, "version", "template"), "template.version");
        if (version < 1 || version > Integer.MAX_VALUE) {
            throw new QueryRefusedException(Reason.MALFORMED, "template.version must be a positive integer");
        }
        String purpose = Json.text(root, "purpose", "template");
        String description = root.has("description") ? Json.text(root, "description", "template") : "";
        Map<String, Parameter> params = root.has("parameters") ? parameters(root.get("parameters")) : Map.of();
        Map<String, List<Term>> filter = root.has("filter") ? filter(root.get("filter"), params) : Map.of();
        List<Dimension> groupBy = root.has("groupBy") ? groupBy(root.get("groupBy")) : List.of();
        long groups = 1;
        for (Dimension d : groupBy) {
            groups *= d.domain;
        }
        if (groups > QueryTemplate.MAX_GROUPS) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, "group-by spans more than " + QueryTemplate.MAX_GROUPS + " groups");
        }
        AggregateSpec aggregate = AggregateReader.read(Json.required(root, "aggregate", "template"));
        int bins = AggregateReader.binCount(aggregate);
        if (bins > 0 && groups * bins > MAX_GROUP_BINS) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "groups x bins must not exceed 2^22");
        }
        Privacy privacy = privacy(root.get("privacy"));
        if (privacy.dp() != DpMode.NONE && aggregate instanceof AggregateSpec.Logistic) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID,
                    "differential privacy is not supported for logistic regression; set privacy.dp to \"none\"");
        }
        if (privacy.dp() != DpMode.NONE && aggregate instanceof AggregateSpec.Ols ols) {
            List<String> unbounded = new ArrayList<>();
            for (AggregateSpec.Feature f : ols.x()) {
                if (ols.boundsOf(f).isEmpty()) {
                    unbounded.add(f.name());
                }
            }
            if (ols.boundsOf(ols.y()).isEmpty()) {
                unbounded.add(ols.y().name());
            }
            if (!unbounded.isEmpty()) {
                throw new QueryRefusedException(
                        Reason.TEMPLATE_INVALID,
                        "differentially private regression needs aggregate.featureBounds for "
                                + String.join(", ", unbounded));
            }
        }
        if (privacy.dp() != DpMode.NONE && aggregate.kind() == Kind.QUANTILES && bins == 0) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "DP quantiles need fixed bins");
        }
        return new QueryTemplate(
                id,
                (int) version,
                purpose,
                description,
                params,
                filter,
                groupBy,
                aggregate,
                privacy,
                canonicalHash(root));
    }

    private static byte[] canonicalHash(JsonNode root) throws QueryRefusedException {
        try {
            Object plain = Json.MAPPER.treeToValue(root, Object.class);
            return Sha256.hash(Json.MAPPER.writeValueAsBytes(plain));
        } catch (JsonProcessingException e) {
            throw new QueryRefusedException(Reason.MALFORMED, "template cannot be canonicalised");
        }
    }

    private static Map<String, Parameter> parameters(JsonNode ps) throws QueryRefusedException {
        if (!ps.isObject()) {
            throw new QueryRefusedException(Reason.MALFORMED, "template.parameters must be an object");
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            params.put(e.getKey(), parameter(e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(params);
    }

    private static Parameter parameter(String name, JsonNode p) throws QueryRefusedException {
        if (!name.matches("[A-Za-z][A-Za-z0-9_]{0,31}")) {
            throw new QueryRefusedException(
                    Reason.MALFORMED, "parameter name must match [A-Za-z][A-Za-z0-9_]{0,31}: " + name);
        }
        String where = "parameters." + name;
        Json.onlyFields(p, where, Set.of("type", "min", "max"));
        String t = Json.text(p, "type", where);
        ParamType type = null;
        for (ParamType candidate : ParamType.values()) {
            if (candidate.jsonName.equals(t)) {
                type = candidate;
            }
        }
        if (type == null) {
            throw new QueryRefusedException(Reason.UNKNOWN_FIELD, where + ".type unknown: " + t);
        }
        if (type == ParamType.INTEGER && (!p.has("min") || !p.has("max"))) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, where + ": integer parameters need min and max");
        }
        if (type == ParamType.SEX && (p.has("min") || p.has("max"))) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, where + ": sex parameters take no bounds");
        }
        long min = type.domainMin;
        long max = type.domainMax;
        long lo = p.has("min") ? Json.integer(p.get("min"), where + ".min") : min;
        long hi = p.has("max") ? Json.integer(p.get("max"), where + ".max") : max;
        if (lo > hi
                || lo < min
                || hi > max
                || (type == ParamType.MONTH && (!ServiceMonth.isValid((int) lo) || !ServiceMonth.isValid((int) hi)))) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, where + ": bounds must satisfy " + min + " <= min <= max <= " + max);
        }
        return new Parameter(name, type, lo, hi);
    }

    private static Map<String, List<Term>> filter(JsonNode f, Map<String, Parameter> params)
            throws QueryRefusedException {
        Json.onlyFields(f, "filter", FILTER_TYPES.keySet());
        Map<String, List<Term>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            String where = "filter." + key;
            ParamType type = FILTER_TYPES.get(key);
            JsonNode v = e.getValue();
            List<Term> terms = new ArrayList<>();
            switch (key) {
                case "ageBand":
                    Json.onlyFields(v, where, Set.of("min", "max"));
                    terms.add(term(Json.required(v, "min", where), type, params));
                    terms.add(term(Json.required(v, "max", where), type, params));
                    break;
                case "serviceMonth":
                    Json.onlyFields(v, where, Set.of("from", "to"));
                    terms.add(term(Json.required(v, "from", where), type, params));
                    terms.add(term(Json.required(v, "to", where), type, params));
                    break;
                case "icd10Prefix":
                    terms.add(term(v, type, params));
                    break;
                default: // sex, hospital: one value or a non-empty list
                    if (v.isArray() && v.isEmpty()) {
                        throw new QueryRefusedException(Reason.MALFORMED, where + " must not be empty");
                    }
                    for (JsonNode x : v.isArray() ? v : List.of(v)) {
                        terms.add(term(x, type, params));
                    }
            }
            for (Term t : terms) {
                if (t.literal() != null) {
                    ParameterCheck.checkLiteral(t.literal(), key, type);
                }
            }
            out.put(key, List.copyOf(terms));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Term term(JsonNode v, ParamType type, Map<String, Parameter> params) throws QueryRefusedException {
        if (v.isTextual() && v.asText().startsWith("$")) {
            String name = v.asText().substring(1);
            Parameter p = params.get(name);
            if (p == null) {
                throw new QueryRefusedException(
                        Reason.TEMPLATE_INVALID, "filter refers to undeclared parameter $" + name);
            }
            boolean compatible = p.type() == type
                    || (p.type() == ParamType.INTEGER && (type == ParamType.AGE_BAND || type == ParamType.HOSPITAL));
            if (!compatible) {
                throw new QueryRefusedException(
                        Reason.TEMPLATE_INVALID,
                        "parameter $" + name + " has type " + p.type() + " where " + type + " is needed");
            }
            return new Term(null, name);
        }
        return new Term(v, null);
    }

    private static List<Dimension> groupBy(JsonNode g) throws QueryRefusedException {
        if (!g.isArray()) {
            throw new QueryRefusedException(Reason.MALFORMED, "template.groupBy must be an array");
        }
        List<Dimension> groupBy = new ArrayList<>();
        for (JsonNode d : g) {
            Dimension dim = d.isTextual() ? Dimension.byJsonName(d.asText()) : null;
            if (dim == null) {
                throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown group-by dimension " + d);
            }
            if (groupBy.contains(dim)) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "group-by dimension repeated: " + d);
            }
            groupBy.add(dim);
        }
        return groupBy;
    }

    private static Privacy privacy(JsonNode p) throws QueryRefusedException {
        if (p == null) {
            return new Privacy(
                    StatisticsEngine.DEFAULT_MIN_GROUP_SIZE, 1, DpMode.REQUIRED, Mechanism.DISCRETE_LAPLACE, 0, 1.0);
        }
        Json.onlyFields(
                p, "privacy", Set.of("minGroupSize", "maxRowsPerPatient", "dp", "mechanism", "delta", "maxEpsilon"));
        int k = (int) optionalInteger(p, "minGroupSize", StatisticsEngine.DEFAULT_MIN_GROUP_SIZE, 2, 1_000_000);
        int rows = (int) optionalInteger(p, "maxRowsPerPatient", 1, 1, 1000);
        DpMode dp = DpMode.REQUIRED;
        if (p.has("dp")) {
            switch (Json.text(p, "dp", "privacy")) {
                case "none":
                    dp = DpMode.NONE;
                    break;
                case "optional":
                    dp = DpMode.OPTIONAL;
                    break;
                case "required":
                    dp = DpMode.REQUIRED;
                    break;
                default:
                    throw new QueryRefusedException(
                            Reason.UNKNOWN_FIELD, "privacy.dp must be none, optional or required");
            }
        }
        Mechanism m = Mechanism.DISCRETE_LAPLACE;
        if (p.has("mechanism")) {
            switch (Json.text(p, "mechanism", "privacy")) {
                case "discreteLaplace":
                    m = Mechanism.DISCRETE_LAPLACE;
                    break;
                case "discreteGaussian":
                    m = Mechanism.DISCRETE_GAUSSIAN;
                    break;
                default:
                    throw new QueryRefusedException(
                            Reason.UNKNOWN_FIELD, "privacy.mechanism must be discreteLaplace or discreteGaussian");
            }
        }
        double delta = 0;
        if (m == Mechanism.DISCRETE_GAUSSIAN) {
            delta = Json.number(Json.required(p, "delta", "privacy"), "privacy.delta");
            if (!(delta > 0 && delta <= 1e-3)) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "privacy.delta must be in (0, 1e-3]");
            }
        } else if (p.has("delta")) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "privacy.delta applies to discreteGaussian only");
        }
        double maxEps = 1.0;
        if (p.has("maxEpsilon")) {
            maxEps = Json.number(p.get("maxEpsilon"), "privacy.maxEpsilon");
            if (!(maxEps > 0 && maxEps <= 10)) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "privacy.maxEpsilon must be in (0, 10]");
            }
        }
        if (m == Mechanism.DISCRETE_GAUSSIAN && maxEps > 1) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, "the Gaussian calibration used needs maxEpsilon <= 1");
        }
        return new Privacy(k, rows, dp, m, delta, maxEps);
    }

    private static long optionalInteger(JsonNode p, String field, long absent, long min, long max)
            throws QueryRefusedException {
        if (!p.has(field)) {
            return absent;
        }
        long v = Json.integer(p.get(field), "privacy." + field);
        if (v < min || v > max) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, "privacy." + field + " must be " + min + ".." + max);
        }
        return v;
    }
}
