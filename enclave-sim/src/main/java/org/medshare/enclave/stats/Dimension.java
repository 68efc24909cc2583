package org.medshare.enclave.stats;

import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.rows.Sex;

/**
 * A group-by dimension: the value it reads from a row's packed word, its domain size (values are
 * {@code 0 <= v < domain}) and the label of each value in released group keys. The code is the
 * dimension's stable identity: never reuse one. What a dimension reads is decided by the constant,
 * never by its position in this list, so reordering the constants changes no result.
 */
public enum Dimension {
    AGE_BAND(1, "ageBand", 32),
    SEX(2, "sex", 4),
    HOSPITAL(3, "hospital", RowLayout.MAX_HOSPITAL + 1),
    SERVICE_YEAR(4, "serviceYear", 171),
    SERVICE_MONTH(5, "serviceMonth", ServiceMonth.MAX_INDEX + 1);

    /** The stable code of this dimension. */
    final int code;
    /** The name used in template JSON and in released group keys. */
    final String jsonName;
    /** Number of distinct values. */
    final int domain;

    Dimension(int code, String jsonName, int domain) {
        this.code = code;
        this.jsonName = jsonName;
        this.domain = domain;
    }

    /** The name used in template JSON and in released group keys. */
    public String jsonName() {
        return jsonName;
    }

    /** This dimension's value in a row's packed word ({@link RowLayout#packed}), in {@code [0, domain)}. */
    public int valueOf(int packed) {
        return switch (this) {
            case AGE_BAND -> RowLayout.ageBandOf(packed);
            case SEX -> RowLayout.sexOf(packed);
            case HOSPITAL -> RowLayout.hospitalOf(packed);
            case SERVICE_YEAR -> RowLayout.monthIndexOf(packed) / 12;
            case SERVICE_MONTH -> RowLayout.monthIndexOf(packed);
        };
    }

    /** The label of value {@code v} in a released group key. */
    public String label(int v) {
        return switch (this) {
            case AGE_BAND -> AgeBand.label(v);
            case SEX -> Sex.ofCode(v).fhirCode();
            case HOSPITAL -> Integer.toString(v);
            case SERVICE_YEAR -> Integer.toString(1900 + v);
            case SERVICE_MONTH -> Integer.toString(ServiceMonth.yyyymmOf(v));
        };
    }

    /** The dimension named {@code jsonName}, or null. */
    static Dimension byJsonName(String jsonName) {
        for (Dimension d : values()) {
            if (d.jsonName.equals(jsonName)) {
                return d;
            }
        }
        return null;
    }
}
