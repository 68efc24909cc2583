package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.stats.QueryRefusedException.Reason;
import org.medshare.enclave.stats.QueryTemplate.ParamType;
import org.medshare.enclave.stats.QueryTemplate.Parameter;

/**
 * Checks values against declared parameters: a request's parameter values against its template,
 * and a template's literal filter values against the domain of their filter. Every refusal is
 * PARAMETER_INVALID and names the parameter (or filter) and the rule it broke.
 */
final class ParameterCheck {
    private static final Set<String> SEX_CODES = Set.of("female", "male", "other", "unknown");

    private ParameterCheck() {}

    /** Every declared parameter present, none undeclared, each valid ({@link #checkValue}). */
    static void checkRequest(QueryTemplate template, Map<String, JsonNode> params) throws QueryRefusedException {
        for (String name : params.keySet()) {
            if (!template.parameters().containsKey(name)) {
                throw new QueryRefusedException(
                        Reason.PARAMETER_INVALID,
                        "parameter " + name + " is not declared by template " + template.id());
            }
        }
        for (Parameter p : template.parameters().values()) {
            JsonNode v = params.get(p.name());
            if (v == null) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "parameter " + p.name() + " is required");
            }
            checkValue(v, p);
        }
    }

    /**
     * A literal filter value of {@code type} checked against the whole domain of that type (the
     * filter {@code filter.<key>} is named in the refusal).
     */
    static void checkLiteral(JsonNode v, String key, ParamType type) throws QueryRefusedException {
        checkValue(v, new Parameter("filter." + key, type, type.domainMin, type.domainMax));
    }

    /** A value against a parameter's type and bounds. */
    static void checkValue(JsonNode v, Parameter p) throws QueryRefusedException {
        String where = p.name();
        switch (p.type()) {
            case SEX:
                if (!v.isTextual() || !SEX_CODES.contains(v.asText())) {
                    throw new QueryRefusedException(
                            Reason.PARAMETER_INVALID, where + " must be female, male, other or unknown");
                }
                return;
            case ICD10_PREFIX: {
                if (!v.isTextual() || !Icd10.isPrefix(v.asText())) {
                    throw new QueryRefusedException(
                            Reason.PARAMETER_INVALID, where + " must be an ICD-10 prefix such as E11");
                }
                int len = v.asText().replace(".", "").trim().length();
                if (len < p.min() || len > p.max()) {
                    throw new QueryRefusedException(
                            Reason.PARAMETER_INVALID, where + " must have " + p.min() + ".." + p.max() + " characters");
                }
                return;
            }
            default:
                if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                    throw new QueryRefusedException(Reason.PARAMETER_INVALID, where + " must be an integer");
                }
                long x = v.asLong();
                if (x < p.min() || x > p.max() || (p.type() == ParamType.MONTH && !ServiceMonth.isValid((int) x))) {
                    throw new QueryRefusedException(
                            Reason.PARAMETER_INVALID,
                            where + " must be within [" + p.min() + ", " + p.max() + "]"
                                    + (p.type() == ParamType.MONTH ? " and a valid yyyymm" : ""));
                }
        }
    }
}
