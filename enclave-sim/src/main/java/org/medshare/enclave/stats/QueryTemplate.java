package org.medshare.enclave.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/**
 * An aggregate query template (JSON schema in {@code enclave-sim/QUERY.md}): filters, group-by
 * dimensions, one aggregate, declared parameters with bounds and the privacy settings. Templates are
 * written by insurers, approved by the regulator ({@link TemplateRegistry}); a {@link QueryRequest}
 * only binds the declared parameters of an approved template and chooses ε.
 *
 * <p>Immutable. {@link #parse(String)} refuses unknown fields, undeclared parameter references,
 * unbounded clamping, more than {@link #MAX_GROUPS} groups, and differential privacy on aggregates
 * that do not support it (OLS and logistic regression). {@link #hash()} is SHA-256 over the
 * canonical JSON (object keys sorted), so an approval binds the exact content.
 */
public final class QueryTemplate {
    /** Largest number of groups a template's group-by may span. */
    public static final int MAX_GROUPS = 1 << 16;
    /** Largest number of histogram bins. */
    public static final int MAX_BINS = 4096;

    /** Types a declared parameter may have. */
    public enum ParamType { INTEGER, MONTH, AGE_BAND, SEX, ICD10_PREFIX, HOSPITAL }

    /** A declared parameter; for ICD10_PREFIX, min/max bound the prefix length. */
    public record Parameter(String name, ParamType type, long min, long max) { }

    /** Group-by dimensions and their domain sizes. */
    public enum Dimension {
        AGE_BAND("ageBand", 32), SEX("sex", 4), HOSPITAL("hospital", RowLayout.MAX_HOSPITAL + 1),
        SERVICE_YEAR("serviceYear", 171), SERVICE_MONTH("serviceMonth", ServiceMonth.MAX_INDEX + 1);

        final String jsonName;
        final int domain;

        Dimension(String jsonName, int domain) {
            this.jsonName = jsonName;
            this.domain = domain;
        }

        public String jsonName() {
            return jsonName;
        }
    }

    /** Aggregate kinds. */
    public enum Kind { COUNT, SUM, MEAN, VARIANCE, HISTOGRAM, QUANTILES, OLS, LOGISTIC }

    /** Numeric row fields that may be aggregated. */
    public enum Field {
        CLAIM("claim", RowLayout.OFF_CLAIM), PAYMENT("payment", RowLayout.OFF_PAYMENT);

        final String jsonName;
        final int offset;

        Field(String jsonName, int offset) {
            this.jsonName = jsonName;
            this.offset = offset;
        }
    }

    /** Fixed histogram bins: bin i covers {@code [lower + i·width, lower + (i+1)·width)}; values outside go to the first/last bin. */
    public record Bins(long lower, long width, int count) { }

    /** Regression feature kinds. */
    public enum FeatureKind { CLAIM, PAYMENT, AGE_BAND, SEX_FEMALE, SEX_MALE, SERVICE_MONTH, ICD }

    /** A regression feature; ICD features are 0/1 indicators of a code with the prefix in any slot. */
    public record Feature(String name, FeatureKind kind, int icdLow, int icdHigh) {
        boolean binary() {
            return kind == FeatureKind.SEX_FEMALE || kind == FeatureKind.SEX_MALE || kind == FeatureKind.ICD;
        }
    }

    /** The aggregate; fields that do not apply to the kind are null/0. */
    public record Aggregate(Kind kind, Field field, long lower, long upper, Bins bins, double[] probabilities,
                            Feature y, List<Feature> x, int maxIterations) { }

    /** Whether the template requires, allows or forbids differential privacy. */
    public enum DpMode { NONE, OPTIONAL, REQUIRED }

    /** Noise mechanisms (both exact integer samplers, {@link DiscreteSamplers}). */
    public enum Mechanism { DISCRETE_LAPLACE, DISCRETE_GAUSSIAN }

    /** Privacy settings. */
    public record Privacy(int minGroupSize, int maxRowsPerPatient, DpMode dp, Mechanism mechanism, double delta,
                          double maxEpsilon) { }

    /** A filter value: a literal, or a reference {@code "$name"} to a declared parameter. */
    record Term(JsonNode literal, String param) { }

    private final String id;
    private final int version;
    private final String purpose;
    private final String description;
    private final Map<String, Parameter> parameters;
    private final Map<String, List<Term>> filter;
    private final List<Dimension> groupBy;
    private final Aggregate aggregate;
    private final Privacy privacy;
    private final byte[] hash;

    private QueryTemplate(String id, int version, String purpose, String description, Map<String, Parameter> parameters,
                          Map<String, List<Term>> filter, List<Dimension> groupBy, Aggregate aggregate, Privacy privacy,
                          byte[] hash) {
        this.id = id;
        this.version = version;
        this.purpose = purpose;
        this.description = description;
        this.parameters = parameters;
        this.filter = filter;
        this.groupBy = groupBy;
        this.aggregate = aggregate;
        this.privacy = privacy;
        this.hash = hash;
    }

    private static final Set<String> TOP = Set.of("id", "version", "purpose", "description", "parameters", "filter",
            "groupBy", "aggregate", "privacy");

    /**
     * Parses and validates a template (QUERY.md §Template).
     *
     * @throws QueryRefusedException MALFORMED, UNKNOWN_FIELD or TEMPLATE_INVALID with the reason
     */
    public static QueryTemplate parse(String json) throws QueryRefusedException {
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

        Map<String, Parameter> params = new LinkedHashMap<>();
        if (root.has("parameters")) {
            JsonNode ps = root.get("parameters");
            if (!ps.isObject()) {
                throw new QueryRefusedException(Reason.MALFORMED, "template.parameters must be an object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = ps.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), parseParameter(e.getKey(), e.getValue()));
            }
        }

        Map<String, List<Term>> filter = new LinkedHashMap<>();
        if (root.has("filter")) {
            parseFilter(root.get("filter"), params, filter);
        }

        List<Dimension> groupBy = new ArrayList<>();
        long groups = 1;
        if (root.has("groupBy")) {
            JsonNode g = root.get("groupBy");
            if (!g.isArray()) {
                throw new QueryRefusedException(Reason.MALFORMED, "template.groupBy must be an array");
            }
            for (JsonNode d : g) {
                Dimension dim = null;
                for (Dimension x : Dimension.values()) {
                    if (d.isTextual() && x.jsonName.equals(d.asText())) {
                        dim = x;
                    }
                }
                if (dim == null) {
                    throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown group-by dimension " + d);
                }
                if (groupBy.contains(dim)) {
                    throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "group-by dimension repeated: " + d);
                }
                groupBy.add(dim);
                groups *= dim.domain;
            }
        }
        if (groups > MAX_GROUPS) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "group-by spans more than " + MAX_GROUPS + " groups");
        }

        Aggregate agg = parseAggregate(Json.required(root, "aggregate", "template"));
        if (agg.bins() != null && groups * agg.bins().count() > (1 << 22)) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "groups x bins must not exceed 2^22");
        }
        Privacy privacy = parsePrivacy(root.get("privacy"));
        if (privacy.dp() != DpMode.NONE && (agg.kind() == Kind.OLS || agg.kind() == Kind.LOGISTIC)) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID,
                    "differential privacy is not supported for regression aggregates; set privacy.dp to \"none\"");
        }
        if (privacy.dp() != DpMode.NONE && agg.kind() == Kind.QUANTILES && agg.bins() == null) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "DP quantiles need fixed bins");
        }
        byte[] hash;
        try {
            Object plain = Json.MAPPER.treeToValue(root, Object.class);
            hash = MerkleTree.hash(Json.MAPPER.writeValueAsBytes(plain));
        } catch (JsonProcessingException e) {
            throw new QueryRefusedException(Reason.MALFORMED, "template cannot be canonicalised");
        }
        return new QueryTemplate(id, (int) version, purpose, description, Collections.unmodifiableMap(params),
                Collections.unmodifiableMap(filter), List.copyOf(groupBy), agg, privacy, hash);
    }

    private static Parameter parseParameter(String name, JsonNode p) throws QueryRefusedException {
        if (!name.matches("[A-Za-z][A-Za-z0-9_]{0,31}")) {
            throw new QueryRefusedException(Reason.MALFORMED, "parameter name must match [A-Za-z][A-Za-z0-9_]{0,31}: " + name);
        }
        String where = "parameters." + name;
        Json.onlyFields(p, where, Set.of("type", "min", "max"));
        String t = Json.text(p, "type", where);
        ParamType type;
        long min;
        long max;
        switch (t) {
            case "integer": type = ParamType.INTEGER; min = Long.MIN_VALUE; max = Long.MAX_VALUE; break;
            case "month": type = ParamType.MONTH; min = ServiceMonth.MIN_YYYYMM; max = ServiceMonth.MAX_YYYYMM; break;
            case "ageBand": type = ParamType.AGE_BAND; min = 0; max = AgeBand.MAX_BAND; break;
            case "sex": type = ParamType.SEX; min = 0; max = 0; break;
            case "icd10Prefix": type = ParamType.ICD10_PREFIX; min = 1; max = 6; break;
            case "hospital": type = ParamType.HOSPITAL; min = 0; max = RowLayout.MAX_HOSPITAL; break;
            default: throw new QueryRefusedException(Reason.UNKNOWN_FIELD, where + ".type unknown: " + t);
        }
        if (type == ParamType.INTEGER && (!p.has("min") || !p.has("max"))) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, where + ": integer parameters need min and max");
        }
        if (type == ParamType.SEX && (p.has("min") || p.has("max"))) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, where + ": sex parameters take no bounds");
        }
        long lo = p.has("min") ? Json.integer(p.get("min"), where + ".min") : min;
        long hi = p.has("max") ? Json.integer(p.get("max"), where + ".max") : max;
        if (lo > hi || lo < min || hi > max || (type == ParamType.MONTH && (!ServiceMonth.isValid((int) lo)
                || !ServiceMonth.isValid((int) hi)))) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, where + ": bounds must satisfy "
                    + min + " <= min <= max <= " + max);
        }
        return new Parameter(name, type, lo, hi);
    }

    private static final Map<String, ParamType> FILTER_TYPES = Map.of("ageBand", ParamType.AGE_BAND, "sex", ParamType.SEX,
            "icd10Prefix", ParamType.ICD10_PREFIX, "serviceMonth", ParamType.MONTH, "hospital", ParamType.HOSPITAL);

    private static void parseFilter(JsonNode f, Map<String, Parameter> params, Map<String, List<Term>> out)
            throws QueryRefusedException {
        Json.onlyFields(f, "filter", FILTER_TYPES.keySet());
        for (Iterator<Map.Entry<String, JsonNode>> it = f.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            ParamType type = FILTER_TYPES.get(key);
            JsonNode v = e.getValue();
            List<Term> terms = new ArrayList<>();
            switch (key) {
                case "ageBand":
                    Json.onlyFields(v, "filter.ageBand", Set.of("min", "max"));
                    terms.add(term(Json.required(v, "min", "filter.ageBand"), type, params));
                    terms.add(term(Json.required(v, "max", "filter.ageBand"), type, params));
                    break;
                case "serviceMonth":
                    Json.onlyFields(v, "filter.serviceMonth", Set.of("from", "to"));
                    terms.add(term(Json.required(v, "from", "filter.serviceMonth"), type, params));
                    terms.add(term(Json.required(v, "to", "filter.serviceMonth"), type, params));
                    break;
                case "icd10Prefix":
                    terms.add(term(v, type, params));
                    break;
                default: // sex, hospital: one value or a non-empty list
                    if (v.isArray()) {
                        if (v.isEmpty()) {
                            throw new QueryRefusedException(Reason.MALFORMED, "filter." + key + " must not be empty");
                        }
                        for (JsonNode x : v) {
                            terms.add(term(x, type, params));
                        }
                    } else {
                        terms.add(term(v, type, params));
                    }
            }
            for (Term t : terms) {
                if (t.literal() != null) {
                    checkValue(t.literal(), new Parameter("filter." + key, type, defaultMin(type), defaultMax(type)));
                }
            }
            out.put(key, List.copyOf(terms));
        }
    }

    private static Term term(JsonNode v, ParamType type, Map<String, Parameter> params) throws QueryRefusedException {
        if (v.isTextual() && v.asText().startsWith("$")) {
            String name = v.asText().substring(1);
            Parameter p = params.get(name);
            if (p == null) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "filter refers to undeclared parameter $" + name);
            }
            boolean compatible = p.type() == type || (p.type() == ParamType.INTEGER
                    && (type == ParamType.AGE_BAND || type == ParamType.HOSPITAL));
            if (!compatible) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "parameter $" + name + " has type " + p.type()
                        + " where " + type + " is needed");
            }
            return new Term(null, name);
        }
        return new Term(v, null);
    }

    private static long defaultMin(ParamType t) {
        switch (t) {
            case MONTH: return ServiceMonth.MIN_YYYYMM;
            case ICD10_PREFIX: return 1;
            default: return 0;
        }
    }

    private static long defaultMax(ParamType t) {
        switch (t) {
            case MONTH: return ServiceMonth.MAX_YYYYMM;
            case AGE_BAND: return AgeBand.MAX_BAND;
            case ICD10_PREFIX: return 6;
            case HOSPITAL: return RowLayout.MAX_HOSPITAL;
            default: return Long.MAX_VALUE;
        }
    }

    /**
     * Checks a request's parameters against this template: every declared parameter present, none undeclared,
     * each of its declared type and within its bounds. Cheap; lets the host refuse a request at submission.
     *
     * @throws QueryRefusedException PARAMETER_INVALID naming the first offending parameter
     */
    public void checkParameters(Map<String, JsonNode> params) throws QueryRefusedException {
        for (String name : params.keySet()) {
            if (!parameters.containsKey(name)) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "parameter " + name + " is not declared by template "
                        + id);
            }
        }
        for (Parameter p : parameters.values()) {
            JsonNode v = params.get(p.name());
            if (v == null) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "parameter " + p.name() + " is required");
            }
            checkValue(v, p);
        }
    }

    /**
     * Checks a bound value against a parameter's type and bounds.
     *
     * @throws QueryRefusedException PARAMETER_INVALID with the reason
     */
    static void checkValue(JsonNode v, Parameter p) throws QueryRefusedException {
        String where = p.name();
        switch (p.type()) {
            case SEX:
                if (!v.isTextual() || !Set.of("female", "male", "other", "unknown").contains(v.asText())) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must be female, male, other or unknown");
                }
                return;
            case ICD10_PREFIX: {
                if (!v.isTextual() || !Icd10.isPrefix(v.asText())) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must be an ICD-10 prefix such as E11");
                }
                int len = v.asText().replace(".", "").trim().length();
                if (len < p.min() || len > p.max()) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must have " + p.min() + ".."
                            + p.max() + " characters");
                }
                return;
            }
            default:
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must be an integer");
                }
                long x = v.asLong();
                if (x < p.min() || x > p.max() || (p.type() == ParamType.MONTH && !ServiceMonth.isValid((int) x))) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must be within [" + p.min() + ", "
                            + p.max() + "]" + (p.type() == ParamType.MONTH ? " and a valid yyyymm" : ""));
                }
        }
    }

    private static final Set<String> AGG_FIELDS = Set.of("type", "field", "bounds", "bins", "probabilities", "y", "x",
            "maxIterations");

    private static Aggregate parseAggregate(JsonNode a) throws QueryRefusedException {
        Json.onlyFields(a, "aggregate", AGG_FIELDS);
        String type = Json.text(a, "type", "aggregate");
        Kind kind;
        try {
            kind = Kind.valueOf(type.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown aggregate type " + type);
        }
        Set<String> allowed;
        switch (kind) {
            case COUNT: allowed = Set.of("type"); break;
            case SUM: case MEAN: case VARIANCE: allowed = Set.of("type", "field", "bounds"); break;
            case HISTOGRAM: allowed = Set.of("type", "field", "bins"); break;
            case QUANTILES: allowed = Set.of("type", "field", "bounds", "bins", "probabilities"); break;
            case OLS: allowed = Set.of("type", "y", "x"); break;
            default: allowed = Set.of("type", "y", "x", "maxIterations");
        }
        Json.onlyFields(a, "aggregate (" + type + ")", allowed);
        Field field = null;
        long lo = 0;
        long hi = 0;
        Bins bins = null;
        double[] probs = null;
        Feature y = null;
        List<Feature> x = List.of();
        int maxIter = 0;
        if (allowed.contains("field")) {
            String f = Json.text(a, "field", "aggregate");
            for (Field ff : Field.values()) {
                if (ff.jsonName.equals(f)) {
                    field = ff;
                }
            }
            if (field == null) {
                throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown aggregate field " + f);
            }
        }
        if (kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.VARIANCE || kind == Kind.QUANTILES) {
            JsonNode b = Json.required(a, "bounds", "aggregate");
            if (!b.isArray() || b.size() != 2) {
                throw new QueryRefusedException(Reason.MALFORMED, "aggregate.bounds must be [lower, upper] in cents");
            }
            lo = Json.integer(b.get(0), "aggregate.bounds[0]");
            hi = Json.integer(b.get(1), "aggregate.bounds[1]");
            if (lo < 0 || lo >= hi || hi > Integer.MAX_VALUE) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "aggregate.bounds must satisfy 0 <= lower < upper <= 2^31-1");
            }
        }
        if (kind == Kind.HISTOGRAM || (kind == Kind.QUANTILES && a.has("bins"))) {
            JsonNode b = Json.required(a, "bins", "aggregate");
            Json.onlyFields(b, "aggregate.bins", Set.of("lower", "width", "count"));
            long lower = Json.integer(Json.required(b, "lower", "aggregate.bins"), "aggregate.bins.lower");
            long width = Json.integer(Json.required(b, "width", "aggregate.bins"), "aggregate.bins.width");
            long count = Json.integer(Json.required(b, "count", "aggregate.bins"), "aggregate.bins.count");
            if (width < 1 || count < 1 || count > MAX_BINS || Math.abs(lower) > Integer.MAX_VALUE
                    || width > Integer.MAX_VALUE) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "bins need width >= 1 and 1 <= count <= " + MAX_BINS);
            }
            bins = new Bins(lower, width, (int) count);
        }
        if (kind == Kind.QUANTILES) {
            JsonNode p = Json.required(a, "probabilities", "aggregate");
            if (!p.isArray() || p.isEmpty() || p.size() > 99) {
                throw new QueryRefusedException(Reason.MALFORMED, "aggregate.probabilities must be a non-empty array");
            }
            probs = new double[p.size()];
            for (int i = 0; i < probs.length; i++) {
                probs[i] = Json.number(p.get(i), "aggregate.probabilities[" + i + "]");
                if (!(probs[i] > 0 && probs[i] < 1)) {
                    throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "probabilities must be in (0, 1)");
                }
            }
        }
        if (kind == Kind.OLS || kind == Kind.LOGISTIC) {
            y = feature(Json.text(a, "y", "aggregate"));
            JsonNode xs = Json.required(a, "x", "aggregate");
            if (!xs.isArray() || xs.isEmpty() || xs.size() > 8) {
                throw new QueryRefusedException(Reason.MALFORMED, "aggregate.x must be an array of 1..8 features");
            }
            List<Feature> fs = new ArrayList<>();
            for (JsonNode n : xs) {
                if (!n.isTextual()) {
                    throw new QueryRefusedException(Reason.MALFORMED, "aggregate.x entries must be feature names");
                }
                fs.add(feature(n.asText()));
            }
            x = List.copyOf(fs);
            if (kind == Kind.LOGISTIC && !y.binary()) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "logistic regression needs a 0/1 outcome (sexFemale, sexMale, icd:<prefix>)");
            }
            maxIter = 25;
            if (a.has("maxIterations")) {
                long m = Json.integer(a.get("maxIterations"), "aggregate.maxIterations");
                if (m < 1 || m > 100) {
                    throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "maxIterations must be 1..100");
                }
                maxIter = (int) m;
            }
        }
        return new Aggregate(kind, field, lo, hi, bins, probs, y, x, maxIter);
    }

    private static Feature feature(String name) throws QueryRefusedException {
        switch (name) {
            case "claim": return new Feature(name, FeatureKind.CLAIM, 0, 0);
            case "payment": return new Feature(name, FeatureKind.PAYMENT, 0, 0);
            case "ageBand": return new Feature(name, FeatureKind.AGE_BAND, 0, 0);
            case "sexFemale": return new Feature(name, FeatureKind.SEX_FEMALE, 0, 0);
            case "sexMale": return new Feature(name, FeatureKind.SEX_MALE, 0, 0);
            case "serviceMonth": return new Feature(name, FeatureKind.SERVICE_MONTH, 0, 0);
            default:
                if (name.startsWith("icd:") && Icd10.isPrefix(name.substring(4))) {
                    return new Feature(name, FeatureKind.ICD, Icd10.prefixLow(name.substring(4)),
                            Icd10.prefixHigh(name.substring(4)));
                }
                throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown feature " + name);
        }
    }

    private static Privacy parsePrivacy(JsonNode p) throws QueryRefusedException {
        if (p == null) {
            return new Privacy(StatisticsEngine.DEFAULT_MIN_GROUP_SIZE, 1, DpMode.REQUIRED, Mechanism.DISCRETE_LAPLACE, 0, 1.0);
        }
        Json.onlyFields(p, "privacy", Set.of("minGroupSize", "maxRowsPerPatient", "dp", "mechanism", "delta", "maxEpsilon"));
        int k = StatisticsEngine.DEFAULT_MIN_GROUP_SIZE;
        if (p.has("minGroupSize")) {
            long v = Json.integer(p.get("minGroupSize"), "privacy.minGroupSize");
            if (v < 2 || v > 1_000_000) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "privacy.minGroupSize must be 2..1000000");
            }
            k = (int) v;
        }
        int rows = 1;
        if (p.has("maxRowsPerPatient")) {
            long v = Json.integer(p.get("maxRowsPerPatient"), "privacy.maxRowsPerPatient");
            if (v < 1 || v > 1000) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "privacy.maxRowsPerPatient must be 1..1000");
            }
            rows = (int) v;
        }
        DpMode dp = DpMode.REQUIRED;
        if (p.has("dp")) {
            String s = Json.text(p, "dp", "privacy");
            switch (s) {
                case "none": dp = DpMode.NONE; break;
                case "optional": dp = DpMode.OPTIONAL; break;
                case "required": dp = DpMode.REQUIRED; break;
                default: throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "privacy.dp must be none, optional or required");
            }
        }
        Mechanism m = Mechanism.DISCRETE_LAPLACE;
        if (p.has("mechanism")) {
            String s = Json.text(p, "mechanism", "privacy");
            if (s.equals("discreteLaplace")) {
                m = Mechanism.DISCRETE_LAPLACE;
            } else if (s.equals("discreteGaussian")) {
                m = Mechanism.DISCRETE_GAUSSIAN;
            } else {
                throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "privacy.mechanism must be discreteLaplace or discreteGaussian");
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
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "the Gaussian calibration used needs maxEpsilon <= 1");
        }
        return new Privacy(k, rows, dp, m, delta, maxEps);
    }

    public String id() {
        return id;
    }

    public int version() {
        return version;
    }

    public String purpose() {
        return purpose;
    }

    public String description() {
        return description;
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    Map<String, List<Term>> filter() {
        return filter;
    }

    public List<Dimension> groupBy() {
        return groupBy;
    }

    public Aggregate aggregate() {
        return aggregate;
    }

    public Privacy privacy() {
        return privacy;
    }

    /** SHA-256 over the canonical JSON of the template (copy). */
    public byte[] hash() {
        return hash.clone();
    }

    /** Hex of {@link #hash()}. */
    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }

    @Override
    public String toString() {
        return "QueryTemplate[" + id + " v" + version + ", purpose=" + purpose + ", " + aggregate.kind() + "]";
    }
}
