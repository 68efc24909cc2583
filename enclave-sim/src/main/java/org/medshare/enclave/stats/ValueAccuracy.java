package org.medshare.enclave.stats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The accuracy of one released noisy value: the mechanism whose noise it carries and, when it can be given honestly,
 * an interval that covers the true value with probability at least {@link Accuracy#CONFIDENCE} over the noise
 * ({@link Accuracy} derives the half-widths). Four shapes, as the result JSON shows them:
 *
 * <ul>
 *   <li>a noisy value ({@link #noisy}): {@code mechanism}, {@code scale} (discrete Laplace: b with {@code P[x] ∝
 *       exp(-|x|/b)}; discrete Gaussian: σ), {@code halfWidth} h, {@code confidence}, and {@code lower = value - h},
 *       {@code upper = value + h}. Clamping a noisy value up to a floor that the true value cannot be below (0 for
 *       counts and sums, 1 for a mean's count) keeps this coverage: if {@code |noise| <= h} and the clamped value is
 *       the floor, the true value lies between the floor and {@code floor + h};
 *   <li>a value derived from noisy ones with an interval ({@link #derived}): {@code mechanism}, {@code derivedFrom}
 *       (the noisy statistics it is computed from, released or not), {@code confidence}, {@code lower}, {@code
 *       upper} (a quantile of a noisy histogram: the values of the bins it can lie in, {@link Accuracy#quantile});
 *   <li>a value fitted from noisy statistics with an approximate interval ({@link #simulated}): as a derived value,
 *       plus {@code "method": "parametricBootstrap"} ({@link NoisyFitBootstrap}: coverage near the level, not
 *       guaranteed);
 *   <li>a derived value without an interval ({@link #notProvided}): {@code mechanism}, {@code derivedFrom} and {@code
 *       "interval": "notProvided"} (the r² of a noisy least-squares fit).
 * </ul>
 *
 * @param mechanism {@code discreteLaplace} or {@code discreteGaussian}
 * @param scale the scale of a noisy value's own noise; empty for derived values
 * @param halfWidth h of a noisy value; empty for derived values
 * @param derivedFrom the noisy statistics a derived value is computed from; empty for a noisy value
 * @param interval the confidence interval, if one is provided
 * @param method how an approximate interval was computed; empty for the intervals of {@link Accuracy}
 */
public record ValueAccuracy(
        String mechanism,
        OptionalDouble scale,
        OptionalDouble halfWidth,
        List<String> derivedFrom,
        Optional<Accuracy.Interval> interval,
        Optional<String> method) {
    /** The method of the intervals of {@link NoisyFitBootstrap}. */
    static final String PARAMETRIC_BOOTSTRAP = "parametricBootstrap";

    public ValueAccuracy {
        Objects.requireNonNull(mechanism, "mechanism");
        derivedFrom = List.copyOf(derivedFrom);
    }

    /** A released value that carries {@code noise} itself: {@code [value - h, value + h]}. */
    static ValueAccuracy noisy(Noise noise, double halfWidth, double value) {
        return new ValueAccuracy(
                noise.mechanismName(),
                OptionalDouble.of(noise.scale()),
                OptionalDouble.of(halfWidth),
                List.of(),
                Optional.of(new Accuracy.Interval(value - halfWidth, value + halfWidth)),
                Optional.empty());
    }

    /** A value computed from the noisy statistics {@code from}, with an interval derived from theirs. */
    static ValueAccuracy derived(String mechanism, List<String> from, Accuracy.Interval interval) {
        return new ValueAccuracy(
                mechanism,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                from,
                Optional.of(interval),
                Optional.empty());
    }

    /** A value fitted from the noisy statistics {@code from}, with a {@link NoisyFitBootstrap} interval. */
    static ValueAccuracy simulated(String mechanism, List<String> from, Accuracy.Interval interval) {
        return new ValueAccuracy(
                mechanism,
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                from,
                Optional.of(interval),
                Optional.of(PARAMETRIC_BOOTSTRAP));
    }

    /** A value computed from the noisy statistics {@code from}, for which no interval is given. */
    static ValueAccuracy notProvided(String mechanism, List<String> from) {
        return new ValueAccuracy(
                mechanism, OptionalDouble.empty(), OptionalDouble.empty(), from, Optional.empty(), Optional.empty());
    }

    /** The entry as it appears in a result's canonical JSON (keys are sorted when written). */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mechanism", mechanism);
        scale.ifPresent(s -> m.put("scale", s));
        halfWidth.ifPresent(h -> m.put("halfWidth", h));
        if (!derivedFrom.isEmpty()) {
            m.put("derivedFrom", derivedFrom);
        }
        if (interval.isPresent()) {
            m.put("confidence", Accuracy.CONFIDENCE);
            m.put("lower", interval.get().lower());
            m.put("upper", interval.get().upper());
            method.ifPresent(x -> m.put("method", x));
        } else {
            m.put("interval", "notProvided");
        }
        return m;
    }
}
