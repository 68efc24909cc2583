package org.medshare.enclave.stats;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowChunkCodec;
import org.medshare.enclave.rows.Sex;

/** Deterministic synthetic analytics data, its encryption, and a naive plaintext oracle. */
final class Synthetic {
    static final String[] CODES = {"E11.9", "E11.65", "I10", "J45.909", "C50.911", "E78.5"};

    final Map<String, List<AnalyticsRow>> rowsByRecord = new TreeMap<>();
    final Map<String, Integer> hospitalOf = new HashMap<>();
    final Map<String, SecretKey> keys = new HashMap<>();
    final List<String> keyRequests = new ArrayList<>();

    /** Adds one record of random rows for {@code patients} patients drawn from a shared pool. */
    Synthetic addRandomRecord(String id, int hospital, int patients, long seed) {
        Random rnd = new Random(seed);
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < patients; p++) {
            long pseudo = 1_000_003L * (1 + rnd.nextInt(patients * 2)) - 500_000_000L;
            int band = rnd.nextInt(100) < 2 ? AgeBand.MAX_BAND : 6 + rnd.nextInt(4);
            Sex sex = rnd.nextInt(50) == 0 ? Sex.UNKNOWN : (rnd.nextBoolean() ? Sex.FEMALE : Sex.MALE);
            int n = 1 + rnd.nextInt(6);
            for (int i = 0; i < n; i++) {
                int c1 = Icd10.encode(CODES[rnd.nextInt(CODES.length)]);
                int[] icd = rnd.nextInt(3) == 0
                        ? new int[] {c1, Icd10.encode(CODES[rnd.nextInt(CODES.length)])}
                        : new int[] {c1};
                if (icd.length == 2 && icd[0] == icd[1]) {
                    icd = new int[] {c1};
                }
                int claim = 10_000 + rnd.nextInt(1_500_000);
                int pay = (int) Math.max(0, Math.round(0.7 * claim + 5_000 * band + rnd.nextGaussian() * 20_000));
                rows.add(AnalyticsRow.of(
                        pseudo, band, sex, icd, claim, pay, 202301 + 100 * rnd.nextInt(2) + rnd.nextInt(12), hospital));
            }
        }
        return addRecord(id, hospital, rows, seed);
    }

    Synthetic addRecord(String id, int hospital, List<AnalyticsRow> rows, long seed) {
        rowsByRecord.put(id, List.copyOf(rows));
        hospitalOf.put(id, hospital);
        byte[] k = new byte[32];
        new Random(seed * 31 + 7).nextBytes(k);
        keys.put(id, new SecretKeySpec(k, "AES"));
        return this;
    }

    List<EncryptedRecord> encrypt() throws Exception {
        RowChunkCodec codec = new RowChunkCodec(new SecureRandom());
        List<EncryptedRecord> out = new ArrayList<>();
        for (Map.Entry<String, List<AnalyticsRow>> e : rowsByRecord.entrySet()) {
            out.add(new EncryptedRecord(
                    e.getKey(),
                    hospitalOf.get(e.getKey()),
                    codec.encrypt(e.getKey(), e.getValue(), keys.get(e.getKey()))));
        }
        return out;
    }

    RecordKeyProvider keyProvider() {
        return id -> {
            synchronized (keyRequests) {
                keyRequests.add(id);
            }
            return keys.get(id);
        };
    }

    /**
     * Naive oracle: records in id order, rows in pseudonym order (stable), filter, at most
     * {@code maxRows} matching rows per patient, grouped by {@code key}.
     */
    static Map<SortedMap<String, String>, List<AnalyticsRow>> groups(
            Map<String, List<AnalyticsRow>> records,
            Predicate<String> recordAdmitted,
            Predicate<AnalyticsRow> filter,
            int maxRows,
            Function<AnalyticsRow, SortedMap<String, String>> key) {
        Map<Long, Integer> used = new HashMap<>();
        Map<SortedMap<String, String>, List<AnalyticsRow>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<AnalyticsRow>> e : new TreeMap<>(records).entrySet()) {
            if (!recordAdmitted.test(e.getKey())) {
                continue;
            }
            List<AnalyticsRow> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingLong(AnalyticsRow::patientPseudonym));
            for (AnalyticsRow r : sorted) {
                if (!filter.test(r)) {
                    continue;
                }
                int u = used.getOrDefault(r.patientPseudonym(), 0);
                if (u >= maxRows) {
                    continue;
                }
                used.put(r.patientPseudonym(), u + 1);
                out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(r);
            }
        }
        return out;
    }

    static long distinctPatients(List<AnalyticsRow> rows) {
        return rows.stream()
                .mapToLong(AnalyticsRow::patientPseudonym)
                .distinct()
                .count();
    }

    static boolean hasPrefix(AnalyticsRow r, String prefix) {
        for (int c : r.icdCodes()) {
            if (c >= Icd10.prefixLow(prefix) && c <= Icd10.prefixHigh(prefix)) {
                return true;
            }
        }
        return false;
    }

    static SortedMap<String, String> key(String... kv) {
        SortedMap<String, String> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
