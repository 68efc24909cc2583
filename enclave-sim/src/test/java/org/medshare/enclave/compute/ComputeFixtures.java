package org.medshare.enclave.compute;

import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.QueryConsent;

/**
 * Sample data for the compute tests: four records (two admitted, one from a hospital whose rules
 * do not admit the template, one whose consent was revoked), their plaintext rows, and the
 * approval of a count-by-sex query. The expected aggregates are computed from the plaintext rows.
 */
final class ComputeFixtures {
    static final Set<String> PURPOSE_ATTRIBUTES = Set.of("purpose:insurance-stats");
    static final Policy POLICY = Policy.parse("purpose:insurance-stats");

    static final String TEMPLATE = """
      {"id": "count-by-sex", "version": 1, "purpose": "insurance-stats",
       "groupBy": ["sex"], "aggregate": {"type": "count"},
       "privacy": {"dp": "optional", "maxRowsPerPatient": 3, "maxEpsilon": 1}}
      """;

    static String request(String epsilon) {
        return "{\"templateId\": \"count-by-sex\", \"templateVersion\": 1, \"insurerId\": \"insurer-1\","
                + " \"purpose\": \"insurance-stats\", \"parameters\": {}"
                + (epsilon == null ? "" : ", \"epsilon\": " + epsilon) + "}";
    }

    /** Plaintext rows by record id, and the hospital of each record. */
    final Map<String, List<AnalyticsRow>> rows = new TreeMap<>();

    final Map<String, Integer> hospital = new TreeMap<>();

    ComputeFixtures() {
        // rec-a, hospital 1: 30 women with 2 rows each, 15 men, 4 patients of sex "other" (a small group)
        List<AnalyticsRow> a = new ArrayList<>();
        for (int p = 1; p <= 30; p++) {
            a.add(row(p, Sex.FEMALE, "E11.9", 120_000 + p, 1));
            a.add(row(p, Sex.FEMALE, "I10", 80_000 + p, 1));
        }
        for (int p = 101; p <= 115; p++) {
            a.add(row(p, Sex.MALE, "I10", 50_000 + p, 1));
        }
        for (int p = 201; p <= 204; p++) {
            a.add(row(p, Sex.OTHER, "E11.65", 70_000 + p, 1));
        }
        put("rec-a", 1, a);
        // rec-b, hospital 2: 12 women (4 of them also in rec-a), 6 men
        List<AnalyticsRow> b = new ArrayList<>();
        for (int p = 27; p <= 38; p++) {
            b.add(row(p, Sex.FEMALE, "J45.909", 30_000 + p, 2));
        }
        for (int p = 116; p <= 121; p++) {
            b.add(row(p, Sex.MALE, "E78.5", 40_000 + p, 2));
        }
        put("rec-b", 2, b);
        // rec-c, hospital 3 (its rules do not admit the template): 20 women
        List<AnalyticsRow> c = new ArrayList<>();
        for (int p = 301; p <= 320; p++) {
            c.add(row(p, Sex.FEMALE, "C50.911", 900_000 + p, 3));
        }
        put("rec-c", 3, c);
        // rec-d, hospital 1, consent revoked: 20 men
        List<AnalyticsRow> d = new ArrayList<>();
        for (int p = 401; p <= 420; p++) {
            d.add(row(p, Sex.MALE, "E11.9", 700_000 + p, 1));
        }
        put("rec-d", 1, d);
    }

    private void put(String id, int h, List<AnalyticsRow> r) {
        rows.put(id, List.copyOf(r));
        hospital.put(id, h);
    }

    static AnalyticsRow row(long patient, Sex sex, String icd, int claim, int hospitalId) {
        return AnalyticsRow.of(
                patient * 7919L,
                AgeBand.ofAge(40),
                sex,
                new int[] {Icd10.encode(icd)},
                claim,
                claim / 2,
                202503,
                hospitalId);
    }

    /** The approved query: hospitals 1 and 2 admit the template, rec-d's consent is revoked. */
    ApprovedQuery approvedQuery(String epsilon, long remainingBudgetMicros) {
        return approvedQuery(epsilon, remainingBudgetMicros, QueryConsent.NONE);
    }

    /** {@link #approvedQuery(String, long)} with this consent decision. */
    ApprovedQuery approvedQuery(String epsilon, long remainingBudgetMicros, QueryConsent consent) {
        return new ApprovedQuery(
                TEMPLATE,
                request(epsilon),
                List.of(1, 2),
                List.of("rec-d"),
                consent.deniedRecords(),
                consent.digest(),
                remainingBudgetMicros);
    }

    /** An approved query of the fixture's template that admits {@code hospitals} and nothing else. */
    static ApprovedQuery approvedQuery(String template, List<Integer> hospitals) {
        return new ApprovedQuery(template, request(null), hospitals, List.of(), List.of(), NO_CONSENT, 0);
    }

    static final byte[] NO_CONSENT = QueryConsent.NONE.digest();

    static QueryApproval approve(String queryId, ApprovedQuery q, KeyPair approver) throws Exception {
        return QueryApproval.sign(
                queryId, q.contentHash(), PURPOSE_ATTRIBUTES, Instant.now().plusSeconds(300), approver);
    }

    /** All four records, sealed under {@link #POLICY} with the authority's public parameters. */
    List<InputRecord> seal(PublicParameters pp) throws Exception {
        SecureRandom rng = new SecureRandom();
        List<InputRecord> out = new ArrayList<>();
        for (Map.Entry<String, List<AnalyticsRow>> e : rows.entrySet()) {
            EncryptedRows sealed = EncryptedRows.seal(e.getKey(), e.getValue(), pp, POLICY, Suite.NIST, rng);
            out.add(new InputRecord(e.getKey(), hospital.get(e.getKey()), sealed.toBytes()));
        }
        return out;
    }

    /**
     * Plaintext oracle for the count-by-sex template over the admitted records (rec-a, rec-b): rows
     * per sex with at most 3 rows per patient (records in id order), and distinct patients per sex.
     */
    Map<String, long[]> expectedCountsAndPatients() {
        Map<Long, Integer> used = new HashMap<>();
        Map<String, long[]> out = new LinkedHashMap<>();
        Map<String, Set<Long>> patients = new TreeMap<>();
        for (String id : List.of("rec-a", "rec-b")) {
            List<AnalyticsRow> sorted = new ArrayList<>(rows.get(id));
            sorted.sort(Comparator.comparingLong(AnalyticsRow::patientPseudonym));
            for (AnalyticsRow r : sorted) {
                int u = used.merge(r.patientPseudonym(), 1, Integer::sum);
                if (u > 3) {
                    continue;
                }
                String sex = r.sex().fhirCode();
                out.computeIfAbsent(sex, k -> new long[2])[0]++;
                patients.computeIfAbsent(sex, k -> new HashSet<>()).add(r.patientPseudonym());
            }
        }
        patients.forEach((sex, set) -> out.get(sex)[1] = set.size());
        return out;
    }
}
