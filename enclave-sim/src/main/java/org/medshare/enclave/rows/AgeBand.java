package org.medshare.enclave.rows;

/**
 * Five-year age bands: band {@code b} (0..17) covers ages {@code 5b .. 5b+4}; band 18 is 90 and
 * over; band {@link #UNKNOWN} (31) means the birth date was absent. Age is the completed years at
 * the first day of the service month.
 */
public final class AgeBand {
    /** Highest real band (90+). */
    public static final int MAX_BAND = 18;
    /** Birth date unknown. */
    public static final int UNKNOWN = 31;

    private AgeBand() {}

    /** Band of a completed age in years; refuses negative ages. */
    public static int ofAge(int years) {
        if (years < 0) {
            throw new IllegalArgumentException("negative age");
        }
        return Math.min(years / 5, MAX_BAND);
    }

    /** True for 0..18 and {@link #UNKNOWN}. */
    public static boolean isValid(int band) {
        return (band >= 0 && band <= MAX_BAND) || band == UNKNOWN;
    }

    /** Human label, e.g. {@code 40-44}, {@code 90+}, {@code unknown}. */
    public static String label(int band) {
        if (band == UNKNOWN) {
            return "unknown";
        }
        if (band == MAX_BAND) {
            return "90+";
        }
        return (5 * band) + "-" + (5 * band + 4);
    }
}
