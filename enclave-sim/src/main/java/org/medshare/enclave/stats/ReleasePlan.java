package org.medshare.enclave.stats;

import java.util.List;

/**
 * What a query releases, fixed by its template, its ε and the hospitals' own limits before any record is read: a
 * value is withheld when fewer than {@code minGroupSize} distinct patients are behind it, each patient counts with
 * at most {@code maxRowsPerPatient} rows, and each noised base value gets the listed noise. The noise is public: it
 * depends on no record.
 *
 * @param minGroupSize      k in force
 * @param maxRowsPerPatient rows per patient in force
 * @param epsilonMicros     the query's ε in micro-ε (0: no noise)
 * @param noise             the noise of each noised base value, by name in ascending order; empty without noise
 */
public record ReleasePlan(int minGroupSize, int maxRowsPerPatient, long epsilonMicros, List<NoisedValue> noise) {

    public ReleasePlan {
        noise = List.copyOf(noise);
    }

    /**
     * The noise one base value gets.
     *
     * @param value     {@code count}, {@code sum}, {@code sumOfSquares} or {@code bin} (each bin of a histogram)
     * @param mechanism {@code discreteLaplace} or {@code discreteGaussian}
     * @param scale     b of the Laplace or σ of the Gaussian, in the value's units
     * @param halfWidth the half-width h with {@code P[|noise| > h] <= 5%}: a released value lies within h of the
     *                  true one with 95% probability
     */
    public record NoisedValue(String value, String mechanism, double scale, double halfWidth) {}
}
