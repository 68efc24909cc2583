package org.medshare.enclave.rows;

/**
 * Service month as stored in an {@link AnalyticsRow}: the number of months since January 2000,
 * an 11-bit value (0 = 1900-01 .. 2047 = 2070-08), so that historical claims fit. Queries and documents use {@code yyyymm}.
 */
public final class ServiceMonth {
    /** First representable month, {@code yyyymm}. */
    public static final int MIN_YYYYMM = 190001;
    /** Last representable month, {@code yyyymm}. */
    public static final int MAX_YYYYMM = 207008;
    /** Largest month index. */
    public static final int MAX_INDEX = 2047;

    private ServiceMonth() {}

    /** {@code yyyymm} to month index; refuses invalid months and months outside 1900-01..2070-08. */
    public static int indexOf(int yyyymm) {
        int y = yyyymm / 100;
        int m = yyyymm % 100;
        if (m < 1 || m > 12 || yyyymm < MIN_YYYYMM || yyyymm > MAX_YYYYMM) {
            throw new IllegalArgumentException("service month must be yyyymm within 190001..207008: " + yyyymm);
        }
        return (y - 1900) * 12 + (m - 1);
    }

    /** Month index to {@code yyyymm}; requires {@code 0 <= index <= MAX_INDEX}. */
    public static int yyyymmOf(int index) {
        if (index < 0 || index > MAX_INDEX) {
            throw new IllegalArgumentException("month index out of range: " + index);
        }
        return (1900 + index / 12) * 100 + (index % 12) + 1;
    }

    /** True if {@code yyyymm} is representable. */
    public static boolean isValid(int yyyymm) {
        int m = yyyymm % 100;
        return m >= 1 && m <= 12 && yyyymm >= MIN_YYYYMM && yyyymm <= MAX_YYYYMM;
    }
}
