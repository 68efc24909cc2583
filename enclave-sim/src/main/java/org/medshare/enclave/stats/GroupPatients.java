package org.medshare.enclave.stats;

import java.util.Arrays;

/**
 * The distinct patients of each group, collected once per (patient run, group): rows of one patient
 * are consecutive within a record (sorted by pseudonym), so a group remembers the run that last added
 * to it instead of looking patients up. Within one record the patients of a group come in ascending
 * order, once each; only groups fed by several records need sorting and de-duplication.
 */
final class GroupPatients {
    private final LongList[] patients;
    /** Per group, aligned with {@link #patients}: the sum (mod 2^64) of the row fingerprints the entry added. */
    private final LongList[] prints;

    private final int[] lastRun;
    private final int[] lastRecordOf;
    private final boolean[] fromSeveralRecords;
    private final long[][] distinct;
    private int record;
    private int run;

    GroupPatients(int groups) {
        patients = new LongList[groups];
        prints = new LongList[groups];
        lastRun = new int[groups];
        lastRecordOf = new int[groups];
        fromSeveralRecords = new boolean[groups];
        distinct = new long[groups][];
    }

    /** A new record starts. */
    void startRecord() {
        record++;
    }

    /** The rows of a new patient start. */
    void startRun() {
        run++;
    }

    /** The current run's patient has a row in group {@code g}. */
    void add(int g, long patient) {
        if (lastRun[g] == run) {
            return;
        }
        newEntry(g, patient);
    }

    /**
     * The current run's patient has the row with fingerprint {@code row} in group {@code g}; the group remembers,
     * per patient, the sum of the fingerprints of the rows it used ({@link #rowPrints}).
     */
    void add(int g, long patient, long row) {
        if (lastRun[g] != run) {
            newEntry(g, patient);
            LongList f = prints[g];
            if (f == null) {
                f = new LongList(16);
                prints[g] = f;
            }
            f.add(row);
        } else {
            prints[g].addToLast(row);
        }
    }

    private void newEntry(int g, long patient) {
        lastRun[g] = run;
        LongList s = patients[g];
        if (s == null) {
            s = new LongList(16);
            patients[g] = s;
        }
        s.add(patient);
        if (lastRecordOf[g] != record) {
            fromSeveralRecords[g] |= lastRecordOf[g] != 0;
            lastRecordOf[g] = record;
        }
    }

    /**
     * For a group fed through {@link #add(int, long, long)}: per distinct patient (in the order of {@link
     * #distinct}), the sum of the fingerprints of all rows the patient contributed to the group. Two queries used the
     * same rows of a patient in the group exactly when (but for a 2^-64 collision) the sums agree.
     */
    long[] rowPrints(int g) {
        LongList s = patients[g];
        if (s == null) {
            return new long[0];
        }
        int n = s.size();
        long[][] pairs = new long[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = new long[] {s.get(i), prints[g].get(i)};
        }
        if (fromSeveralRecords[g]) {
            Arrays.sort(pairs, (x, y) -> Long.compare(x[0], y[0]));
        }
        long[] out = new long[distinct(g).length];
        int m = -1;
        long last = 0;
        for (int i = 0; i < n; i++) {
            if (m < 0 || pairs[i][0] != last) {
                m++;
                last = pairs[i][0];
            }
            out[m] += pairs[i][1];
        }
        return out;
    }

    /** The distinct patients of group {@code g} in ascending order (computed once, after the last row). */
    long[] distinct(int g) {
        if (distinct[g] == null) {
            LongList s = patients[g];
            long[] a = s == null ? new long[0] : s.toArray();
            if (fromSeveralRecords[g]) {
                Arrays.sort(a);
                int n = 0;
                for (int i = 0; i < a.length; i++) {
                    if (n == 0 || a[i] != a[n - 1]) {
                        a[n++] = a[i];
                    }
                }
                a = Arrays.copyOf(a, n);
            }
            distinct[g] = a;
        }
        return distinct[g];
    }
}
