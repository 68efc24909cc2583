package org.medshare.enclave.attest;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.medshare.enclave.Hex;
import org.medshare.enclave.attest.AttestationException.Reason;

/**
 * Verifier-side challenge nonces: 32 random bytes from {@link SecureRandom}, each valid for a
 * time-to-live and usable exactly once. Thread-safe.
 *
 * <p>Guarantees: {@link #consume} succeeds at most once per issued nonce, and only within the TTL
 * of its issue; a second use is reported as {@link Reason#NONCE_REPLAYED} at least for as long as the
 * nonce would have been valid; later it may be forgotten and reported as unknown. Either way it
 * is refused.
 */
public final class NonceRegistry {
    public static final int NONCE_BYTES = 32;

    private final Clock clock;
    private final Duration ttl;
    private final int maxOutstanding;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> issued = new HashMap<>();
    private final Map<String, Instant> consumed = new HashMap<>();
    private int purgeThreshold = 1024;

    /**
     * @param ttl how long an issued nonce may be used; positive
     * @param maxOutstanding bound on unexpired issued nonces (protects memory); positive
     */
    public NonceRegistry(Clock clock, Duration ttl, int maxOutstanding) {
        if (ttl.isNegative() || ttl.isZero() || maxOutstanding <= 0) {
            throw new IllegalArgumentException("ttl and maxOutstanding must be positive");
        }
        this.clock = clock;
        this.ttl = ttl;
        this.maxOutstanding = maxOutstanding;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Issues a fresh nonce.
     *
     * @throws IllegalStateException if {@code maxOutstanding} unexpired nonces are pending
     */
    public synchronized byte[] issue() {
        Instant now = clock.instant();
        purge(now);
        if (issued.size() >= maxOutstanding) {
            throw new IllegalStateException("too many outstanding attestation nonces; retry later");
        }
        byte[] n = new byte[NONCE_BYTES];
        random.nextBytes(n);
        issued.put(Hex.of(n), now);
        return n;
    }

    /** Marks the nonce used; throws unless it was issued here, is unused and is within its TTL. */
    public synchronized void consume(byte[] nonce) throws AttestationException {
        Instant now = clock.instant();
        String key = Hex.of(nonce);
        Instant at = issued.remove(key);
        if (at == null) {
            purge(now);
            if (consumed.containsKey(key)) {
                throw new AttestationException(Reason.NONCE_REPLAYED, "nonce already used");
            }
            throw new AttestationException(Reason.NONCE_UNKNOWN, "nonce was not issued by this verifier");
        }
        if (now.isAfter(at.plus(ttl))) {
            purge(now);
            throw new AttestationException(Reason.NONCE_EXPIRED, "nonce older than its time-to-live of " + ttl);
        }
        consumed.put(key, at);
        purge(now);
    }

    /** Drops entries that can no longer matter; amortised O(1) per call. */
    private void purge(Instant now) {
        Instant cutoff = now.minus(ttl);
        if (consumed.size() >= purgeThreshold) {
            for (Iterator<Instant> it = consumed.values().iterator(); it.hasNext(); ) {
                if (it.next().isBefore(cutoff)) {
                    it.remove();
                }
            }
            purgeThreshold = Math.max(1024, 2 * consumed.size());
        }
        if (issued.size() >= maxOutstanding) {
            issued.values().removeIf(t -> t.isBefore(cutoff));
        }
    }
}
