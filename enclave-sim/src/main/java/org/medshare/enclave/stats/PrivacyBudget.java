package org.medshare.enclave.stats;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-insurer differential-privacy budget (sequential composition of pure ε, or of the ε part of
 * (ε, δ) releases). Amounts are held as integer micro-ε ({@code ε × 10^6}, rounded to nearest) so
 * that accounting is exact and free of floating-point drift; a request is charged exactly the
 * rounded amount it is reported to have spent.
 *
 * <p>Guarantees: {@link #tryCharge} is atomic (a compare-and-set loop per insurer): under any
 * number of concurrent callers the total charged never exceeds the limit, and a refused charge
 * changes nothing. ε that is NaN, infinite, zero, negative or rounds to 0 micro-ε is refused with
 * nothing spent.
 */
public final class PrivacyBudget {
    /** Micro-ε per unit of ε. */
    public static final long MICROS = 1_000_000L;

    private final long limitMicros;
    private final Map<String, AtomicLong> spent = new ConcurrentHashMap<>();

    /** @param totalEpsilonPerInsurer finite and positive */
    public PrivacyBudget(double totalEpsilonPerInsurer) {
        this.limitMicros = toMicros(totalEpsilonPerInsurer);
    }

    /**
     * Validates ε and converts it to micro-ε.
     *
     * @throws IllegalArgumentException if ε is NaN, infinite, not positive or below 10^-6
     */
    public static long toMicros(double epsilon) {
        if (Double.isNaN(epsilon) || Double.isInfinite(epsilon) || epsilon <= 0) {
            throw new IllegalArgumentException("epsilon must be a finite positive number");
        }
        if (epsilon > 1e6) {
            throw new IllegalArgumentException("epsilon too large");
        }
        long micros = Math.round(epsilon * MICROS);
        if (micros <= 0) {
            throw new IllegalArgumentException("epsilon must be at least 1e-6");
        }
        return micros;
    }

    /**
     * Charges {@code micros} to {@code insurerId} if the limit allows.
     *
     * @return true if charged; false (nothing changed) if it would exceed the limit
     */
    public boolean tryCharge(String insurerId, long micros) {
        if (micros <= 0) {
            throw new IllegalArgumentException("charge must be positive");
        }
        AtomicLong a = spent.computeIfAbsent(insurerId, k -> new AtomicLong());
        while (true) {
            long cur = a.get();
            long next = cur + micros;
            if (next > limitMicros || next < 0) {
                return false;
            }
            if (a.compareAndSet(cur, next)) {
                return true;
            }
        }
    }

    /** Micro-ε spent by the insurer so far. */
    public long spentMicros(String insurerId) {
        AtomicLong a = spent.get(insurerId);
        return a == null ? 0 : a.get();
    }

    /** Micro-ε the insurer may still spend. */
    public long remainingMicros(String insurerId) {
        return limitMicros - spentMicros(insurerId);
    }

    /** Micro-ε spent, per insurer that spent any (a copy). */
    public Map<String, Long> spentByInsurer() {
        Map<String, Long> out = new java.util.TreeMap<>();
        spent.forEach((insurer, a) -> out.put(insurer, a.get()));
        return out;
    }

    /**
     * Adds {@code micros} to what {@code insurerId} has spent, without the limit check: for restoring a tally this
     * enclave kept before a restart (a restored tally may exceed today's limit; further charges are then refused).
     */
    public void restoreSpent(String insurerId, long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("spent micro-epsilon cannot be negative");
        }
        spent.computeIfAbsent(insurerId, k -> new AtomicLong()).addAndGet(micros);
    }

    /** The per-insurer limit in micro-ε. */
    public long limitMicros() {
        return limitMicros;
    }
}
