package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.stats.AggregateSpec.Bins;
import org.medshare.enclave.stats.AggregateSpec.Bounds;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.FeatureKind;
import org.medshare.enclave.stats.AggregateSpec.Field;
import org.medshare.enclave.stats.AggregateSpec.Kind;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/**
 * Reads a template's {@code aggregate} object into its {@link AggregateSpec} record: only the fields
 * of the named kind are allowed, and each is checked ({@code enclave-sim/QUERY.md}, "Aggregates").
 */
final class AggregateReader {
    private static final Set<String> FIELDS =
            Set.of("type", "field", "bounds", "bins", "probabilities", "y", "x", "featureBounds", "maxIterations");
    private static final int MAX_FEATURES = 8;
    private static final int MAX_PROBABILITIES = 99;
    private static final int DEFAULT_MAX_ITERATIONS = 25;

    private AggregateReader() {}

    static AggregateSpec read(JsonNode a) throws QueryRefusedException {
        Json.onlyFields(a, "aggregate", FIELDS);
        String type = Json.text(a, "type", "aggregate");
        Kind kind;
        try {
            kind = Kind.valueOf(type.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown aggregate type " + type);
        }
        Json.onlyFields(a, "aggregate (" + type + ")", allowedFields(kind));
        return switch (kind) {
            case COUNT -> new AggregateSpec.Count();
            case SUM -> new AggregateSpec.Sum(field(a), bounds(a));
            case MEAN -> new AggregateSpec.Mean(field(a), bounds(a));
            case VARIANCE -> new AggregateSpec.Variance(field(a), bounds(a));
            case HISTOGRAM -> new AggregateSpec.Histogram(field(a), bins(a));
            case QUANTILES -> {
                Field field = field(a);
                Bounds bounds = bounds(a);
                Optional<Bins> bins = a.has("bins") ? Optional.of(bins(a)) : Optional.empty();
                yield new AggregateSpec.Quantiles(field, bounds, bins, probabilities(a));
            }
            case OLS -> {
                Feature y = feature(Json.text(a, "y", "aggregate"));
                List<Feature> x = features(a);
                yield new AggregateSpec.Ols(y, x, featureBounds(a, y, x));
            }
            case LOGISTIC -> {
                Feature y = feature(Json.text(a, "y", "aggregate"));
                List<Feature> x = features(a);
                if (!y.kind().binary()) {
                    throw new QueryRefusedException(
                            Reason.TEMPLATE_INVALID,
                            "logistic regression needs a 0/1 outcome (sexFemale, sexMale, icd:<prefix>)");
                }
                yield new AggregateSpec.Logistic(y, x, maxIterations(a));
            }
        };
    }

    /** The number of histogram bins the aggregate accumulates per group (0 if none). */
    static int binCount(AggregateSpec aggregate) {
        if (aggregate instanceof AggregateSpec.Histogram h) {
            return h.bins().count();
        }
        if (aggregate instanceof AggregateSpec.Quantiles q) {
            return q.bins().map(Bins::count).orElse(0);
        }
        return 0;
    }

    private static Set<String> allowedFields(Kind kind) {
        return switch (kind) {
            case COUNT -> Set.of("type");
            case SUM, MEAN, VARIANCE -> Set.of("type", "field", "bounds");
            case HISTOGRAM -> Set.of("type", "field", "bins");
            case QUANTILES -> Set.of("type", "field", "bounds", "bins", "probabilities");
            case OLS -> Set.of("type", "y", "x", "featureBounds");
            case LOGISTIC -> Set.of("type", "y", "x", "maxIterations");
        };
    }

    private static Field field(JsonNode a) throws QueryRefusedException {
        String f = Json.text(a, "field", "aggregate");
        for (Field candidate : Field.values()) {
            if (candidate.jsonName.equals(f)) {
                return candidate;
            }
        }
        throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown aggregate field " + f);
    }

    private static Bounds bounds(JsonNode a) throws QueryRefusedException {
        return bounds(Json.required(a, "bounds", "aggregate"), "aggregate.bounds");
    }

    private static Bounds bounds(JsonNode b, String where) throws QueryRefusedException {
        if (!b.isArray() || b.size() != 2) {
            throw new QueryRefusedException(Reason.MALFORMED, where + " must be [lower, upper]");
        }
        long lo = Json.integer(b.get(0), where + "[0]");
        long hi = Json.integer(b.get(1), where + "[1]");
        if (lo < 0 || lo >= hi || hi > Integer.MAX_VALUE) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, where + " must satisfy 0 <= lower < upper <= 2^31-1");
        }
        return new Bounds(lo, hi);
    }

    /**
     * The optional {@code featureBounds} object of an OLS aggregate: feature name to {@code [lower, upper]}, each name
     * one of the regression's features that is not 0/1.
     */
    private static Map<String, Bounds> featureBounds(JsonNode a, Feature y, List<Feature> x)
            throws QueryRefusedException {
        if (!a.has("featureBounds")) {
            return Map.of();
        }
        JsonNode fb = a.get("featureBounds");
        if (!fb.isObject()) {
            throw new QueryRefusedException(
                    Reason.MALFORMED, "aggregate.featureBounds must map feature names to [lower, upper]");
        }
        Map<String, Feature> used = new HashMap<>();
        used.put(y.name(), y);
        x.forEach(f -> used.put(f.name(), f));
        Map<String, Bounds> out = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = fb.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Feature f = used.get(e.getKey());
            if (f == null) {
                throw new QueryRefusedException(
                        Reason.TEMPLATE_INVALID,
                        "aggregate.featureBounds names " + e.getKey() + ", which is not a feature of the regression");
            }
            if (f.kind().binary()) {
                throw new QueryRefusedException(
                        Reason.TEMPLATE_INVALID,
                        "aggregate.featureBounds names " + e.getKey() + ", which is 0/1 and needs no bounds");
            }
            out.put(e.getKey(), bounds(e.getValue(), "aggregate.featureBounds." + e.getKey()));
        }
        return out;
    }

    private static Bins bins(JsonNode a) throws QueryRefusedException {
        JsonNode b = Json.required(a, "bins", "aggregate");
        Json.onlyFields(b, "aggregate.bins", Set.of("lower", "width", "count"));
        long lower = Json.integer(Json.required(b, "lower", "aggregate.bins"), "aggregate.bins.lower");
        long width = Json.integer(Json.required(b, "width", "aggregate.bins"), "aggregate.bins.width");
        long count = Json.integer(Json.required(b, "count", "aggregate.bins"), "aggregate.bins.count");
        if (width < 1
                || count < 1
                || count > QueryTemplate.MAX_BINS
                || Math.abs(lower) > Integer.MAX_VALUE
                || width > Integer.MAX_VALUE) {
            throw new QueryRefusedException(
                    Reason.TEMPLATE_INVALID, "bins need width >= 1 and 1 <= count <= " + QueryTemplate.MAX_BINS);
        }
        return new Bins(lower, width, (int) count);
    }

    private static List<Double> probabilities(JsonNode a) throws QueryRefusedException {
        JsonNode p = Json.required(a, "probabilities", "aggregate");
        if (!p.isArray() || p.isEmpty() || p.size() > MAX_PROBABILITIES) {
            throw new QueryRefusedException(Reason.MALFORMED, "aggregate.probabilities must be a non-empty array");
        }
        List<Double> probs = new ArrayList<>();
        for (int i = 0; i < p.size(); i++) {
            double q = Json.number(p.get(i), "aggregate.probabilities[" + i + "]");
            if (!(q > 0 && q < 1)) {
                throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "probabilities must be in (0, 1)");
            }
            probs.add(q);
        }
        return probs;
    }

    private static List<Feature> features(JsonNode a) throws QueryRefusedException {
        JsonNode xs = Json.required(a, "x", "aggregate");
        if (!xs.isArray() || xs.isEmpty() || xs.size() > MAX_FEATURES) {
            throw new QueryRefusedException(
                    Reason.MALFORMED, "aggregate.x must be an array of 1.." + MAX_FEATURES + " features");
        }
        List<Feature> fs = new ArrayList<>();
        for (JsonNode n : xs) {
            if (!n.isTextual()) {
                throw new QueryRefusedException(Reason.MALFORMED, "aggregate.x entries must be feature names");
            }
            fs.add(feature(n.asText()));
        }
        return fs;
    }

    private static int maxIterations(JsonNode a) throws QueryRefusedException {
        if (!a.has("maxIterations")) {
            return DEFAULT_MAX_ITERATIONS;
        }
        long m = Json.integer(a.get("maxIterations"), "aggregate.maxIterations");
        if (m < 1 || m > 100) {
            throw new QueryRefusedException(Reason.TEMPLATE_INVALID, "maxIterations must be 1..100");
        }
        return (int) m;
    }

    private static Feature feature(String name) throws QueryRefusedException {
        FeatureKind kind = switch (name) {
            case "claim" -> FeatureKind.CLAIM;
            case "payment" -> FeatureKind.PAYMENT;
            case "ageBand" -> FeatureKind.AGE_BAND;
            case "sexFemale" -> FeatureKind.SEX_FEMALE;
            case "sexMale" -> FeatureKind.SEX_MALE;
            case "serviceMonth" -> FeatureKind.SERVICE_MONTH;
            default -> null;
        };
        if (kind != null) {
            return new Feature(name, kind, 0, 0);
        }
        String prefix = name.startsWith("icd:") ? name.substring(4) : null;
        if (prefix != null && Icd10.isPrefix(prefix)) {
            return new Feature(name, FeatureKind.ICD, Icd10.prefixLow(prefix), Icd10.prefixHigh(prefix));
        }
        throw new QueryRefusedException(Reason.UNKNOWN_FIELD, "unknown feature " + name);
    }
}
