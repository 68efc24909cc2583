package org.medshare.service.queries;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.records.PurposeOfUse;

/**
 * The HL7 v3 PurposeOfUse of a query, decided by its template's namespace (the template's {@code purpose}, e.g.
 * {@code insurance-stats}): the purpose that patients' consent provisions are checked against before the query
 * runs. Namespaces without an entry get the default purpose. Immutable.
 */
public final class QueryPurposes {

    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final Map<String, PurposeOfUse> byNamespace;
    private final PurposeOfUse defaultPurpose;

    private QueryPurposes(Map<String, PurposeOfUse> byNamespace, PurposeOfUse defaultPurpose) {
        this.byNamespace = Collections.unmodifiableMap(new TreeMap<>(byNamespace));
        this.defaultPurpose = defaultPurpose;
    }

    /**
     * The mapping from namespaces to PurposeOfUse codes.
     *
     * @param codes          template namespace (1 to 64 of {@code [A-Za-z0-9._-]}) → PurposeOfUse code
     * @param defaultCode    the PurposeOfUse code of every other namespace
     * @throws IllegalArgumentException naming the namespace or code that is not valid
     */
    public static QueryPurposes of(Map<String, String> codes, String defaultCode) {
        Map<String, PurposeOfUse> purposes = new TreeMap<>();
        codes.forEach((namespace, code) -> {
            if (namespace == null || !NAMESPACE.matcher(namespace).matches()) {
                throw new IllegalArgumentException(
                        "medshare.queries.purposes: '" + namespace + "' is not a template namespace");
            }
            purposes.put(namespace, purpose(code, "medshare.queries.purposes.\"" + namespace + "\""));
        });
        return new QueryPurposes(purposes, purpose(defaultCode, "medshare.queries.default-purpose"));
    }

    /** The mapping the service's configuration gives. */
    public static QueryPurposes of(MedshareConfig.Queries config) {
        return of(config.purposes(), config.defaultPurpose());
    }

    private static PurposeOfUse purpose(String code, String key) {
        return PurposeOfUse.ofCode(code == null ? "" : code.trim())
                .orElseThrow(() -> new IllegalArgumentException(
                        key + ": '" + code + "' is not one of the PurposeOfUse codes " + PurposeOfUse.codes()));
    }

    /** The purpose of use of a query whose template has namespace {@code namespace}. */
    public PurposeOfUse purposeOf(String namespace) {
        return byNamespace.getOrDefault(namespace, defaultPurpose);
    }

    /** The namespaces with a purpose of their own, ascending. */
    public Map<String, PurposeOfUse> byNamespace() {
        return byNamespace;
    }

    public PurposeOfUse defaultPurpose() {
        return defaultPurpose;
    }

    @Override
    public String toString() {
        return "QueryPurposes" + byNamespace + ", default " + defaultPurpose;
    }
}
