package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PrivacyBudgetTest {

    @Test
    void invalidEpsilonIsRefused() {
        for (double bad :
                new double[] {Double.NaN, 0.0, -0.0, -1, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e-9}) {
            assertThrows(IllegalArgumentException.class, () -> PrivacyBudget.toMicros(bad), "epsilon " + bad);
        }
        assertEquals(500_000, PrivacyBudget.toMicros(0.5));
        assertThrows(IllegalArgumentException.class, () -> new PrivacyBudget(Double.NaN));
    }

    @Test
    void overBudgetChargeSpendsNothing() {
        PrivacyBudget b = new PrivacyBudget(1.0);
        assertTrue(b.tryCharge("ins", 600_000));
        assertFalse(b.tryCharge("ins", 500_000));
        assertEquals(600_000, b.spentMicros("ins"));
        assertTrue(b.tryCharge("ins", 400_000));
        assertFalse(b.tryCharge("ins", 1));
        assertEquals(0, b.spentMicros("other"));
    }

    @Test
    void accountingIsAtomicUnderManyThreads() throws Exception {
        PrivacyBudget b = new PrivacyBudget(0.05); // 50 000 micro-epsilon
        int threads = 32;
        int attempts = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int charge = 1 + (t % 3); // 1, 2 or 3 micro-epsilon
            results.add(pool.submit(() -> {
                start.await();
                int ok = 0;
                for (int i = 0; i < attempts; i++) {
                    if (b.tryCharge("insurer-a", charge)) {
                        ok += charge;
                    }
                    b.tryCharge("insurer-b", 1);
                }
                return ok;
            }));
        }
        start.countDown();
        long granted = 0;
        for (Future<Integer> f : results) {
            granted += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(granted, b.spentMicros("insurer-a"), "every granted charge is accounted exactly once");
        assertTrue(b.spentMicros("insurer-a") <= 50_000);
        assertTrue(b.spentMicros("insurer-a") >= 50_000 - 2, "budget is used up to within the largest refused charge");
        assertEquals(50_000, b.spentMicros("insurer-b"));
    }
}
