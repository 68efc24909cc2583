package org.medshare.enclave.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defeats differencing attacks across an insurer's queries (QUERY.md §Differencing).
 *
 * <p>For every group it releases, the engine remembers the set of distinct patients whose rows
 * produced the group's values. A group of a later query by the same insurer is suppressed when its
 * patient set differs from a remembered one by at least one and fewer than {@code k} patients
 * ({@code 0 < |S Δ S'| < k}): otherwise subtracting the two answers would reveal the aggregate of
 * those few patients (e.g. "all E11 claims at hospital 1" minus "the same, except age band 40-44"
 * when one patient is 40-44). Equal sets are allowed, since they yield the same aggregate.
 *
 * <p>Limits (documented, not hidden): the decision to suppress is itself a function of the data and
 * can leak one bit per query (query auditing is not simulatable in general); combinations of three
 * or more queries whose pairwise differences are all at least k are not detected. Templates that
 * require differential privacy bound both. The history is kept in enclave memory.
 *
 * <p>Thread-safe: {@link #lock(String)} serialises check-charge-record per insurer.
 */
public final class DifferencingGuard {
    private final int k;
    private final Map<String, List<long[]>> history = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public DifferencingGuard(int k) {
        this.k = k;
    }

    /** The monitor to hold while checking, charging and recording for one insurer. */
    Object lock(String insurerId) {
        return locks.computeIfAbsent(insurerId, x -> new Object());
    }

    /** True if releasing a group with this sorted patient set would isolate fewer than k patients. */
    boolean isolates(String insurerId, long[] sortedPatients) {
        List<long[]> h = history.get(insurerId);
        if (h == null) {
            return false;
        }
        for (long[] prev : h) {
            if (Math.abs(prev.length - sortedPatients.length) >= k) {
                continue;
            }
            int d = symmetricDifference(prev, sortedPatients, k);
            if (d > 0 && d < k) {
                return true;
            }
        }
        return false;
    }

    /** Remembers released groups' patient sets. */
    void record(String insurerId, List<long[]> released) {
        history.computeIfAbsent(insurerId, x -> new ArrayList<>()).addAll(released);
    }

    /** Number of remembered groups for the insurer. */
    public int rememberedGroups(String insurerId) {
        List<long[]> h = history.get(insurerId);
        return h == null ? 0 : h.size();
    }

    /** |a Δ b| for sorted arrays, stopping early once it reaches {@code cap}. */
    static int symmetricDifference(long[] a, long[] b, int cap) {
        int i = 0;
        int j = 0;
        int d = 0;
        while (i < a.length && j < b.length && d < cap) {
            if (a[i] == b[j]) {
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
                d++;
            } else {
                j++;
                d++;
            }
        }
        return d + (a.length - i) + (b.length - j);
    }
}
