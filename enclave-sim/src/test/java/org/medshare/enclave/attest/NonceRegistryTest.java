package org.medshare.enclave.attest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MutableClock;

class NonceRegistryTest {
    @Test
    void boundsOutstandingNoncesAndFreesExpiredOnes() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        NonceRegistry r = new NonceRegistry(clock, Duration.ofSeconds(30), 3);
        byte[] a = r.issue();
        assertNotEquals(Hex.of(a), Hex.of(r.issue()));
        r.issue();
        assertThrows(IllegalStateException.class, r::issue);
        clock.advance(Duration.ofSeconds(31));
        byte[] fresh = r.issue();
        r.consume(fresh);
        assertEquals(
                AttestationException.Reason.NONCE_UNKNOWN,
                assertThrows(AttestationException.class, () -> r.consume(a)).reason());
    }

    @Test
    void everyNonceIsSingleUseUnderLoad() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-25T12:00:00Z"));
        NonceRegistry r = new NonceRegistry(clock, Duration.ofSeconds(30), 10);
        for (int i = 0; i < 5000; i++) {
            byte[] n = r.issue();
            r.consume(n);
            assertThrows(AttestationException.class, () -> r.consume(n));
            clock.advance(Duration.ofMillis(10));
        }
    }

    @Test
    void refusesNonPositiveSettings() {
        MutableClock clock = new MutableClock(Instant.EPOCH);
        assertThrows(IllegalArgumentException.class, () -> new NonceRegistry(clock, Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class, () -> new NonceRegistry(clock, Duration.ofSeconds(1), 0));
    }
}
