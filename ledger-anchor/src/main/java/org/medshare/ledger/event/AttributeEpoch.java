package org.medshare.ledger.event;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A consortium attribute epoch, the suffix of epoch-carrying attributes ({@code dept:cardiology@2026Q4}): a year of
 * four digits and a quarter, {@code YYYYQn} with n in 1..4. Epochs are ordered by year, then quarter; the
 * canonical text is the only accepted spelling, so two equal epochs have one text.
 */
public record AttributeEpoch(int year, int quarter) implements Comparable<AttributeEpoch> {
    private static final Pattern FORM = Pattern.compile("([0-9]{4})Q([1-4])");

    /**
     * @throws IllegalArgumentException unless {@code year} is 1000..9999 and {@code quarter} 1..4
     */
    public AttributeEpoch {
        if (year < 1000 || year > 9999 || quarter < 1 || quarter > 4) {
            throw new IllegalArgumentException("an epoch is YYYYQn: a four-digit year and a quarter 1-4");
        }
    }

    /**
     * Parses the canonical text {@code YYYYQn}.
     *
     * @throws IllegalArgumentException for anything else (lower-case q, spaces, other quarters, missing digits)
     */
    public static AttributeEpoch parse(String text) {
        Matcher m = text == null ? null : FORM.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("an epoch is YYYYQn: a four-digit year and a quarter 1-4, e.g. 2027Q1");
        }
        return new AttributeEpoch(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether this epoch comes strictly after {@code other}. */
    public boolean isAfter(AttributeEpoch other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(AttributeEpoch other) {
        return year != other.year ? Integer.compare(year, other.year) : Integer.compare(quarter, other.quarter);
    }

    @Override
    public String toString() {
        return year + "Q" + quarter;
    }
}
