package org.medshare.enclave.rows;

/**
 * Administrative sex as carried by FHIR R4 {@code Patient.gender} (AdministrativeGender value set),
 * encoded in two bits of an {@link AnalyticsRow}.
 */
public enum Sex {
    /** {@code unknown} or absent. */
    UNKNOWN(0, "unknown"),
    /** {@code female}. */
    FEMALE(1, "female"),
    /** {@code male}. */
    MALE(2, "male"),
    /** {@code other}. */
    OTHER(3, "other");

    private final int code;
    private final String fhirCode;

    Sex(int code, String fhirCode) {
        this.code = code;
        this.fhirCode = fhirCode;
    }

    /** The 2-bit code stored in the row (0..3). */
    public int code() {
        return code;
    }

    /** The FHIR AdministrativeGender code ({@code female}, {@code male}, {@code other}, {@code unknown}). */
    public String fhirCode() {
        return fhirCode;
    }

    /** Inverse of {@link #code()}; requires {@code 0 <= code <= 3}. */
    public static Sex ofCode(int code) {
        switch (code) {
            case 0:
                return UNKNOWN;
            case 1:
                return FEMALE;
            case 2:
                return MALE;
            case 3:
                return OTHER;
            default:
                throw new IllegalArgumentException("sex code out of range 0..3: " + code);
        }
    }

    /** Parses a FHIR AdministrativeGender code; refuses anything else. */
    public static Sex ofFhirCode(String s) {
        for (Sex x : values()) {
            if (x.fhirCode.equals(s)) {
                return x;
            }
        }
        throw new IllegalArgumentException("not a FHIR AdministrativeGender code: " + s);
    }
}
