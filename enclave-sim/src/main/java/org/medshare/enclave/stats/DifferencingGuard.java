package org.medshare.enclave.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * Defeats differencing attacks across an insurer's queries (QUERY.md §Differencing).
 *
 * <p>For every group it releases, the engine remembers the distinct patients whose rows produced the group's values
 * and, per patient, a fingerprint of exactly which rows (the sum of 64-bit row fingerprints derived from the record
 * id and the row's position; see {@code RowAggregator.rowPrints}). A group of a later query by the same insurer is
 * suppressed when the rows it used differ from those of a remembered group in the rows of at least one and fewer than
 * {@code k} patients — a patient counts when it is in only one of the two groups or when its fingerprints differ.
 * Otherwise subtracting the two answers would reveal the aggregate of those few patients' rows: "all E11 claims at
 * hospital 1" minus "the same, except age band 40-44" when one patient is 40-44, and equally "claims of these
 * patients in January–December" minus "… January–November" when only one of them had a claim in December (the
 * patient sets are equal; the rows are not). Groups built from the same rows are allowed, since they yield the same
 * aggregate.
 *
 * <p>Limits (documented, not hidden): the decision to suppress is itself a function of the data and
 * can leak one bit per query (query auditing is not simulatable in general); combinations of three
 * or more queries whose pairwise differences are all at least k patients are not detected. Templates
 * that require differential privacy bound both. The history is kept in enclave memory; the worker enclave
 * seals it for its host after each result and reads it back at start ({@link #writeTo}, {@link #readFrom}), so a
 * restart does not reset it — but a host could hand back an older sealed copy (rollback is not detected).
 *
 * <p>Thread-safe: {@link #lock(String)} serialises check-charge-record per insurer.
 */
public final class DifferencingGuard {
    /** A released group: its distinct patients (ascending) and, aligned, each patient's row fingerprint. */
    record Released(long[] patients, long[] rowPrints) {}

    private final int k;
    private final Map<String, List<Released>> history = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public DifferencingGuard(int k) {
        this.k = k;
    }

    /** The monitor to hold while checking, charging and recording for one insurer. */
    Object lock(String insurerId) {
        return locks.computeIfAbsent(insurerId, x -> new Object());
    }

    /**
     * True if releasing a group with these rows would isolate the rows of fewer than k patients against a group
     * already released to the insurer.
     *
     * @param sortedPatients the group's distinct patients, ascending
     * @param rowPrints per patient, aligned with {@code sortedPatients}, the fingerprint of the rows it used
     */
    boolean isolates(String insurerId, long[] sortedPatients, long[] rowPrints) {
        List<Released> h = history.get(insurerId);
        if (h == null) {
            return false;
        }
        for (Released prev : h) {
            if (Math.abs(prev.patients().length - sortedPatients.length) >= k) {
                continue;
            }
            int d = differingPatients(prev.patients(), prev.rowPrints(), sortedPatients, rowPrints, k);
            if (d > 0 && d < k) {
                return true;
            }
        }
        return false;
    }

    /** Remembers released groups' patients and row fingerprints. */
    void record(String insurerId, List<Released> released) {
        history.computeIfAbsent(insurerId, x -> new ArrayList<>()).addAll(released);
    }

    /**
     * Writes the whole memory to {@code w} (insurers in name order): i32 counts, utf8 insurer ids, and per
     * remembered group its patients and row fingerprints as i64 pairs. For sealing by the enclave.
     */
    public void writeTo(WireWriter w) {
        Map<String, List<Released>> copy = new TreeMap<>(history);
        w.i32(copy.size());
        copy.forEach((insurer, groups) -> {
            w.utf8(insurer).i32(groups.size());
            for (Released r : groups) {
                w.i32(r.patients().length);
                for (int i = 0; i < r.patients().length; i++) {
                    w.i64(r.patients()[i]).i64(r.rowPrints()[i]);
                }
            }
        });
    }

    /**
     * Adds the memory written by {@link #writeTo} to this guard.
     *
     * @throws MalformedEncodingException if the bytes are not such a memory (nothing partial is kept)
     */
    public void readFrom(WireReader r) throws MalformedEncodingException {
        Map<String, List<Released>> read = new TreeMap<>();
        int insurers = count(r);
        for (int n = 0; n < insurers; n++) {
            String insurer = r.utf8();
            int groups = count(r);
            List<Released> list = new ArrayList<>();
            for (int g = 0; g < groups; g++) {
                int size = count(r);
                long[] patients = new long[size];
                long[] prints = new long[size];
                for (int i = 0; i < size; i++) {
                    patients[i] = r.i64();
                    prints[i] = r.i64();
                    if (i > 0 && patients[i] <= patients[i - 1]) {
                        throw new MalformedEncodingException("guard memory: patients not ascending");
                    }
                }
                list.add(new Released(patients, prints));
            }
            read.put(insurer, list);
        }
        read.forEach((insurer, list) ->
                history.computeIfAbsent(insurer, x -> new ArrayList<>()).addAll(list));
    }

    private static int count(WireReader r) throws MalformedEncodingException {
        int n = r.i32();
        if (n < 0 || n > r.remaining()) {
            throw new MalformedEncodingException("guard memory: bad count");
        }
        return n;
    }

    /** Number of remembered groups for the insurer. */
    public int rememberedGroups(String insurerId) {
        List<Released> h = history.get(insurerId);
        return h == null ? 0 : h.size();
    }

    /**
     * Patients of sorted {@code a} and {@code b} that are in only one of them or whose row fingerprints differ,
     * stopping early once the count reaches {@code cap}.
     */
    static int differingPatients(long[] a, long[] fa, long[] b, long[] fb, int cap) {
        int i = 0;
        int j = 0;
        int d = 0;
        while (i < a.length && j < b.length && d < cap) {
            if (a[i] == b[j]) {
                if (fa[i] != fb[j]) {
                    d++;
                }
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
