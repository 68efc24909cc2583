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
    private final int[] lastRun;
    private final int[] lastRecordOf;
    private final boolean[] fromSeveralRecords;
    private final long[][] distinct;
    private int record;
    private int run;

    GroupPatients(int groups) {
        patients = new LongList[groups];
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
