package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.QueryRefusedException.Reason;
import org.medshare.enclave.stats.QueryTemplate.Term;

/**
 * A template's filter with the request's parameters bound, compiled to ranges and masks that are
 * tested on a row in place. A row passes when all hold: its hospital is one of the listed ones; its
 * age band lies in {@code [min, max]}; its sex is one of the listed ones; its service month lies in
 * {@code [from, to]}; one of its ICD-10 slots starts with the prefix. An absent filter accepts every
 * value; when the aggregate is a regression with the age-band feature, rows of unknown age never
 * pass (their band is no number).
 */
final class RowFilter {
    private final boolean[] hospitals;
    private final int ageMin;
    private final int ageMax;
    private final int sexMask;
    private final boolean icdFilter;
    private final int icdLow;
    private final int icdHigh;
    private final int monthLow;
    private final int monthHigh;

    private RowFilter(
            boolean[] hospitals,
            int ageMin,
            int ageMax,
            int sexMask,
            boolean icdFilter,
            int icdLow,
            int icdHigh,
            int monthLow,
            int monthHigh) {
        this.hospitals = hospitals;
        this.ageMin = ageMin;
        this.ageMax = ageMax;
        this.sexMask = sexMask;
        this.icdFilter = icdFilter;
        this.icdLow = icdLow;
        this.icdHigh = icdHigh;
        this.monthLow = monthLow;
        this.monthHigh = monthHigh;
    }

    /**
     * Compiles the filter of {@code template} with {@code params} bound. Requires parameters already
     * checked against the template ({@link QueryTemplate#checkParameters}).
     *
     * @throws QueryRefusedException PARAMETER_INVALID if the bound age band minimum is above its maximum or
     *     the bound first service month is after the last
     */
    static RowFilter compile(QueryTemplate template, Map<String, JsonNode> params) throws QueryRefusedException {
        Map<String, List<Term>> f = template.filter();
        boolean[] hospitals = null;
        if (f.containsKey("hospital")) {
            hospitals = new boolean[RowLayout.MAX_HOSPITAL + 1];
            for (Term term : f.get("hospital")) {
                hospitals[(int) term.resolve(params).asLong()] = true;
            }
        }
        int ageMin = 0;
        int ageMax = AgeBand.UNKNOWN;
        if (f.containsKey("ageBand")) {
            ageMin = (int) f.get("ageBand").get(0).resolve(params).asLong();
            ageMax = (int) f.get("ageBand").get(1).resolve(params).asLong();
            if (ageMin > ageMax) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "ageBand min is above max");
            }
        }
        if (usesAgeFeature(template.aggregate())) {
            ageMax = Math.min(ageMax, AgeBand.MAX_BAND);
        }
        int sexMask = 0xF;
        if (f.containsKey("sex")) {
            sexMask = 0;
            for (Term term : f.get("sex")) {
                sexMask |= 1 << Sex.ofFhirCode(term.resolve(params).asText()).code();
            }
        }
        boolean icdFilter = f.containsKey("icd10Prefix");
        int icdLow = 0;
        int icdHigh = 0;
        if (icdFilter) {
            String prefix = f.get("icd10Prefix").get(0).resolve(params).asText();
            icdLow = Icd10.prefixLow(prefix);
            icdHigh = Icd10.prefixHigh(prefix);
        }
        int monthLow = 0;
        int monthHigh = ServiceMonth.MAX_INDEX;
        if (f.containsKey("serviceMonth")) {
            monthLow = ServiceMonth.indexOf(
                    (int) f.get("serviceMonth").get(0).resolve(params).asLong());
            monthHigh = ServiceMonth.indexOf(
                    (int) f.get("serviceMonth").get(1).resolve(params).asLong());
            if (monthLow > monthHigh) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "serviceMonth from is after to");
            }
        }
        return new RowFilter(hospitals, ageMin, ageMax, sexMask, icdFilter, icdLow, icdHigh, monthLow, monthHigh);
    }

    private static boolean usesAgeFeature(AggregateSpec aggregate) {
        if (aggregate instanceof AggregateSpec.Regression r) {
            return r.y().kind() == AggregateSpec.FeatureKind.AGE_BAND
                    || r.x().stream().anyMatch(x -> x.kind() == AggregateSpec.FeatureKind.AGE_BAND);
        }
        return false;
    }

    /** Whether the row at {@code off} of {@code buf}, whose packed word is {@code packed}, passes. */
    boolean accepts(byte[] buf, int off, int packed) {
        if (hospitals != null && !hospitals[RowLayout.hospitalOf(packed)]) {
            return false;
        }
        int age = RowLayout.ageBandOf(packed);
        if (age < ageMin || age > ageMax) {
            return false;
        }
        if (((sexMask >>> RowLayout.sexOf(packed)) & 1) == 0) {
            return false;
        }
        int month = RowLayout.monthIndexOf(packed);
        if (month < monthLow || month > monthHigh) {
            return false;
        }
        return !icdFilter || hasIcd(buf, off, icdLow, icdHigh);
    }

    /** Whether one of the row's ICD-10 slots holds a code in {@code [low, high]}. */
    static boolean hasIcd(byte[] buf, int off, int low, int high) {
        for (int slot = 0; slot < RowLayout.ICD_SLOTS; slot++) {
            int c = RowLayout.icd(buf, off, slot);
            if (c >= low && c <= high) {
                return true;
            }
        }
        return false;
    }
}
