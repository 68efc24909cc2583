package org.medshare.enclave.stats;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.Sex;

/**
 * The aggregate of a {@link QueryTemplate}: one record per aggregate kind, each carrying exactly the
 * settings that kind uses ({@code enclave-sim/QUERY.md}, "Aggregates"). Values are validated by the
 * template reader; the records only hold them.
 */
public sealed interface AggregateSpec {
    /** Aggregate kinds, one per record type. */
    enum Kind {
        COUNT(Count.class),
        SUM(Sum.class),
        MEAN(Mean.class),
        VARIANCE(Variance.class),
        HISTOGRAM(Histogram.class),
        QUANTILES(Quantiles.class),
        OLS(Ols.class),
        LOGISTIC(Logistic.class);

        private final Class<? extends AggregateSpec> type;

        Kind(Class<? extends AggregateSpec> type) {
            this.type = type;
        }

        /** The name in template JSON ({@code aggregate.type}), in approved queries and in the service's API. */
        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The kind named {@code jsonName}, or null. */
        public static Kind byJsonName(String jsonName) {
            for (Kind k : values()) {
                if (k.jsonName().equals(jsonName)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** The kind of this aggregate: the one whose record type it is. */
    default Kind kind() {
        for (Kind k : Kind.values()) {
            if (k.type.isInstance(this)) {
                return k;
            }
        }
        throw new IllegalStateException("no kind for " + getClass());
    }

    /** Numeric row fields that may be aggregated: the name in template JSON and the byte offset in a {@link RowLayout} row. */
    enum Field {
        CLAIM("claim", RowLayout.OFF_CLAIM),
        PAYMENT("payment", RowLayout.OFF_PAYMENT);

        final String jsonName;
        final int offset;

        Field(String jsonName, int offset) {
            this.jsonName = jsonName;
            this.offset = offset;
        }
    }

    /** Clamping bounds in integer cents: {@code 0 <= lower < upper <= 2^31-1}. */
    record Bounds(long lower, long upper) {}

    /**
     * Fixed histogram bins: bin i covers {@code [lower + i·width, lower + (i+1)·width)}; values outside
     * go to the first/last bin.
     */
    record Bins(long lower, long width, int count) {}

    /**
     * Regression feature kinds. The code is the feature's stable identity: never reuse one. What a
     * feature reads from a row is decided by the constant, never by its position in this list.
     */
    enum FeatureKind {
        CLAIM(1),
        PAYMENT(2),
        AGE_BAND(3),
        SEX_FEMALE(4),
        SEX_MALE(5),
        SERVICE_MONTH(6),
        ICD(7);

        /** The stable code of this kind. */
        final int code;

        FeatureKind(int code) {
            this.code = code;
        }

        /** Whether the feature only takes the values 0 and 1. */
        public boolean binary() {
            return this == SEX_FEMALE || this == SEX_MALE || this == ICD;
        }
    }

    /**
     * A regression feature; ICD features are 0/1 indicators of a code in {@code [icdLow, icdHigh]}
     * (a prefix's range, {@link Icd10#prefixLow}) in any slot, the other kinds ignore the range.
     */
    record Feature(String name, FeatureKind kind, int icdLow, int icdHigh) {
        public Feature {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(kind, "kind");
        }

        /**
         * The feature's value in the row at {@code off} of {@code buf}, whose packed word is {@code packed}:
         * every feature is integer-valued.
         */
        public int valueIn(byte[] buf, int off, int packed) {
            return switch (kind) {
                case CLAIM -> RowLayout.claimCents(buf, off);
                case PAYMENT -> RowLayout.paymentCents(buf, off);
                case AGE_BAND -> RowLayout.ageBandOf(packed);
                case SEX_FEMALE -> RowLayout.sexOf(packed) == Sex.FEMALE.code() ? 1 : 0;
                case SEX_MALE -> RowLayout.sexOf(packed) == Sex.MALE.code() ? 1 : 0;
                case SERVICE_MONTH -> RowLayout.monthIndexOf(packed);
                case ICD -> RowFilter.hasIcd(buf, off, icdLow, icdHigh) ? 1 : 0;
            };
        }
    }

    /** An aggregate over one numeric field. */
    sealed interface OverField extends AggregateSpec {
        /** The aggregated field. */
        Field field();
    }

    /** An aggregate over one field whose values are clamped into bounds first. */
    sealed interface Clamped extends OverField {
        /** The clamping bounds. */
        Bounds bounds();
    }

    /** A regression of {@code y} on an intercept and the features {@code x}. */
    sealed interface Regression extends AggregateSpec {
        /** The outcome. */
        Feature y();

        /** The explanatory features, 1..8, in template order. */
        List<Feature> x();
    }

    /** Number of rows. */
    record Count() implements AggregateSpec {}

    /** Sum of the clamped field. */
    record Sum(Field field, Bounds bounds) implements Clamped {}

    /** Mean of the clamped field (released with its count and sum). */
    record Mean(Field field, Bounds bounds) implements Clamped {}

    /** Population variance of the clamped field (released with its count and mean). */
    record Variance(Field field, Bounds bounds) implements Clamped {}

    /** Histogram of the (unclamped) field over fixed bins. */
    record Histogram(Field field, Bins bins) implements OverField {}

    /**
     * Quantiles of the clamped field at each probability in (0, 1). Without bins they are exact
     * (nearest rank); with bins, as required under differential privacy, they come from a noisy histogram.
     */
    record Quantiles(Field field, Bounds bounds, Optional<Bins> bins, List<Double> probabilities) implements Clamped {
        public Quantiles {
            probabilities = List.copyOf(probabilities);
        }
    }

    /**
     * Ordinary least squares. Each feature named in {@code featureBounds} (outcome included; never a 0/1 feature) is
     * clamped into its bounds before it is summed; under differential privacy every feature that is not 0/1 has
     * bounds, so that one row's contribution to each sum is bounded.
     */
    record Ols(Feature y, List<Feature> x, Map<String, Bounds> featureBounds) implements Regression {
        public Ols {
            x = List.copyOf(x);
            featureBounds = Map.copyOf(featureBounds);
        }

        /** The clamping bounds of {@code f}: [0, 1] for a 0/1 feature, those the template gives, or none. */
        public Optional<Bounds> boundsOf(Feature f) {
            return f.kind().binary() ? Optional.of(new Bounds(0, 1)) : Optional.ofNullable(featureBounds.get(f.name()));
        }
    }

    /** Logistic regression of a 0/1 outcome by Newton iterations, at most {@code maxIterations} (1..100). */
    record Logistic(Feature y, List<Feature> x, int maxIterations) implements Regression {
        public Logistic {
            x = List.copyOf(x);
        }
    }
}
