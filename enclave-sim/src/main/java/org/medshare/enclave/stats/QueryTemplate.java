package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;

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

    /**
     * Types a declared parameter may have, with their JSON names and domains (for ICD10_PREFIX the
     * prefix length; SEX values are codes, not numbers, and have no bounds).
     */
    public enum ParamType {
        INTEGER("integer", Long.MIN_VALUE, Long.MAX_VALUE),
        MONTH("month", ServiceMonth.MIN_YYYYMM, ServiceMonth.MAX_YYYYMM),
        AGE_BAND("ageBand", 0, AgeBand.MAX_BAND),
        SEX("sex", 0, 0),
        ICD10_PREFIX("icd10Prefix", 1, 6),
        HOSPITAL("hospital", 0, RowLayout.MAX_HOSPITAL);

        final String jsonName;
        final long domainMin;
        final long domainMax;

        ParamType(String jsonName, long domainMin, long domainMax) {
            this.jsonName = jsonName;
            this.domainMin = domainMin;
            this.domainMax = domainMax;
        }
    }

    /** A declared parameter; for ICD10_PREFIX, min/max bound the prefix length. */
    public record Parameter(String name, ParamType type, long min, long max) {}

    /** Whether the template requires, allows or forbids differential privacy. */
    public enum DpMode {
        NONE,
        OPTIONAL,
        REQUIRED
    }

    /** Noise mechanisms (both exact integer samplers, {@link DiscreteSamplers}). */
    public enum Mechanism {
        DISCRETE_LAPLACE,
        DISCRETE_GAUSSIAN
    }

    /** Privacy settings. */
    public record Privacy(
            int minGroupSize, int maxRowsPerPatient, DpMode dp, Mechanism mechanism, double delta, double maxEpsilon) {}

    /** A filter value: a literal, or a reference {@code "$name"} to a declared parameter. */
    record Term(JsonNode literal, String param) {
        /** The literal, or the request's value of the parameter. */
        JsonNode resolve(Map<String, JsonNode> params) {
            return literal != null ? literal : params.get(param);
        }
    }

    private final String id;
    private final int version;
    private final String purpose;
    private final String description;
    private final Map<String, Parameter> parameters;
    private final Map<String, List<Term>> filter;
    private final List<Dimension> groupBy;
    private final AggregateSpec aggregate;
    private final Privacy privacy;
    private final byte[] hash;

    /** Used by {@link TemplateReader}, which validates every part; the maps must be unmodifiable. */
    QueryTemplate(
            String id,
            int version,
            String purpose,
            String description,
            Map<String, Parameter> parameters,
            Map<String, List<Term>> filter,
            List<Dimension> groupBy,
            AggregateSpec aggregate,
            Privacy privacy,
            byte[] hash) {
        this.id = id;
        this.version = version;
        this.purpose = purpose;
        this.description = description;
        this.parameters = parameters;
        this.filter = filter;
        this.groupBy = List.copyOf(groupBy);
        this.aggregate = aggregate;
        this.privacy = privacy;
        this.hash = hash.clone();
    }

    /**
     * This template as it runs over records whose hospitals set {@code limits}: the larger minimum group size and the
     * smaller row limit per patient of the two; everything else, its hash included, is this template's. This template
     * itself when the limits change nothing.
     */
    QueryTemplate restrictedTo(HospitalDisclosure limits) {
        int k = Math.max(privacy.minGroupSize(), limits.minGroupSize());
        int rows = Math.min(privacy.maxRowsPerPatient(), limits.maxRowsPerPatient());
        if (k == privacy.minGroupSize() && rows == privacy.maxRowsPerPatient()) {
            return this;
        }
        return new QueryTemplate(
                id,
                version,
                purpose,
                description,
                parameters,
                filter,
                groupBy,
                aggregate,
                new Privacy(k, rows, privacy.dp(), privacy.mechanism(), privacy.delta(), privacy.maxEpsilon()),
                hash);
    }

    /**
     * Parses and validates a template (QUERY.md, "Template").
     *
     * @throws QueryRefusedException MALFORMED, UNKNOWN_FIELD or TEMPLATE_INVALID with the reason
     */
    public static QueryTemplate parse(String json) throws QueryRefusedException {
        return TemplateReader.read(json);
    }

    /**
     * Checks a request's parameters against this template: every declared parameter present, none undeclared,
     * each of its declared type and within its bounds. Cheap; lets the host refuse a request at submission.
     *
     * @throws QueryRefusedException PARAMETER_INVALID naming the first offending parameter
     */
    public void checkParameters(Map<String, JsonNode> params) throws QueryRefusedException {
        ParameterCheck.checkRequest(this, params);
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

    /** Filter name ({@code hospital}, {@code ageBand}, ...) to its terms, in template order. */
    Map<String, List<Term>> filter() {
        return filter;
    }

    public List<Dimension> groupBy() {
        return groupBy;
    }

    public AggregateSpec aggregate() {
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
