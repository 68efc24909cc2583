package org.medshare.enclave.stats;

import java.util.EnumSet;
import java.util.Set;
import org.medshare.enclave.stats.AggregateSpec.OverField;
import org.medshare.enclave.stats.AggregateSpec.Regression;

/**
 * A field of a record whose values a query's released values are computed from or broken down by, so that a hospital
 * may allow only some of them ({@link HospitalDisclosure#allowedFields()}). A template {@link #of discloses} the
 * field its aggregate reads (claim or payment), the fields behind its regression's outcome and features, and its
 * group-by dimensions. Its filters are not counted: they only choose which rows count, and which templates may run at
 * all is what the hospital's data-use rules decide.
 */
public enum DisclosedField {
    CLAIM("claim"),
    PAYMENT("payment"),
    AGE_BAND("ageBand"),
    SEX("sex"),
    DIAGNOSIS("icd10"),
    HOSPITAL("hospital"),
    SERVICE_YEAR("serviceYear"),
    SERVICE_MONTH("serviceMonth");

    private final String jsonName;

    DisclosedField(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name in approved queries and in the service's API. */
    public String jsonName() {
        return jsonName;
    }

    /** The field named {@code jsonName}, or null. */
    public static DisclosedField byJsonName(String jsonName) {
        for (DisclosedField f : values()) {
            if (f.jsonName.equals(jsonName)) {
                return f;
            }
        }
        return null;
    }

    /** The fields {@code template} discloses, in declaration order. */
    public static Set<DisclosedField> of(QueryTemplate template) {
        EnumSet<DisclosedField> out = EnumSet.noneOf(DisclosedField.class);
        AggregateSpec aggregate = template.aggregate();
        if (aggregate instanceof OverField o) {
            out.add(of(o.field()));
        } else if (aggregate instanceof Regression r) {
            out.add(of(r.y().kind()));
            r.x().forEach(f -> out.add(of(f.kind())));
        }
        template.groupBy().forEach(d -> out.add(of(d)));
        return out;
    }

    private static DisclosedField of(AggregateSpec.Field field) {
        return switch (field) {
            case CLAIM -> CLAIM;
            case PAYMENT -> PAYMENT;
        };
    }

    private static DisclosedField of(AggregateSpec.FeatureKind kind) {
        return switch (kind) {
            case CLAIM -> CLAIM;
            case PAYMENT -> PAYMENT;
            case AGE_BAND -> AGE_BAND;
            case SEX_FEMALE, SEX_MALE -> SEX;
            case SERVICE_MONTH -> SERVICE_MONTH;
            case ICD -> DIAGNOSIS;
        };
    }

    private static DisclosedField of(Dimension dimension) {
        return switch (dimension) {
            case AGE_BAND -> AGE_BAND;
            case SEX -> SEX;
            case HOSPITAL -> HOSPITAL;
            case SERVICE_YEAR -> SERVICE_YEAR;
            case SERVICE_MONTH -> SERVICE_MONTH;
        };
    }
}
