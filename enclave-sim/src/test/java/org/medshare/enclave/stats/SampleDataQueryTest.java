package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractor;

/**
 * The statistics engine on the project's sample data (sample-data/fhir, 55 Synthea patients): the bundles go
 * through the hospital-side extractor and the chunk codec, the engine answers, and every released aggregate
 * equals what a naive computation over the plaintext rows gives; groups under k = 10 patients are suppressed.
 */
class SampleDataQueryTest {

    static final String PURPOSE = "insurance-stats";
    static final Path SAMPLE = Path.of("..", "sample-data", "fhir");

    static Synthetic data;
    static List<AnalyticsRow> allRows = new ArrayList<>();
    static StatisticsEngine engine;

    @BeforeAll
    static void loadSampleData() throws Exception {
        PseudonymKey key = PseudonymKey.of(new byte[32]);
        data = new Synthetic();
        int seed = 1;
        for (String hospital : List.of("hospital-a", "hospital-b")) {
            int number = hospital.equals("hospital-a") ? 1 : 2;
            try (Stream<Path> files = Files.list(SAMPLE.resolve(hospital))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json"))
                        .sorted()
                        .toList()) {
                    List<AnalyticsRow> rows = RowExtractor.shared().extract(Files.readString(file), number, key);
                    allRows.addAll(rows);
                    data.addRecord(file.getFileName().toString(), number, rows, seed++);
                }
            }
        }
        assertEquals(55, data.rowsByRecord.size(), "every sample bundle extracts");
        TemplateRegistry registry = new TemplateRegistry(10);
        for (String template : List.of(
                "{\"id\":\"count-by-sex\",\"version\":1,\"purpose\":\"insurance-stats\",\"groupBy\":[\"sex\"],"
                        + "\"aggregate\":{\"type\":\"count\"},\"privacy\":{\"maxRowsPerPatient\":1,\"dp\":\"none\"}}",
                "{\"id\":\"count-by-age\",\"version\":1,\"purpose\":\"insurance-stats\",\"groupBy\":[\"ageBand\"],"
                        + "\"aggregate\":{\"type\":\"count\"},\"privacy\":{\"maxRowsPerPatient\":1,\"dp\":\"none\"}}",
                "{\"id\":\"mean-claim-by-hospital\",\"version\":1,\"purpose\":\"insurance-stats\",\"groupBy\":[\"hospital\"],"
                        + "\"aggregate\":{\"type\":\"mean\",\"field\":\"claim\",\"bounds\":[0,2147483647]},"
                        + "\"privacy\":{\"maxRowsPerPatient\":1000,\"dp\":\"none\"}}")) {
            QueryTemplate t = QueryTemplate.parse(template);
            registry.submit(t);
            registry.approve(t.id(), t.version(), "regulator-1");
        }
        DataUseRules rules = new DataUseRules();
        rules.allow(1, PURPOSE, DataUseRules.ANY_TEMPLATE);
        rules.allow(2, PURPOSE, DataUseRules.ANY_TEMPLATE);
        engine = new StatisticsEngine(
                registry, rules, new ConsentRegistry(), new PrivacyBudget(1.0), new SecureRandom(), 10);
    }

    private static StatisticsResult run(String templateId) throws Exception {
        return engine.run(
                QueryRequest.of(templateId, 1, "insurer-1", PURPOSE, Map.of(), null),
                data.encrypt(),
                data.keyProvider());
    }

    @Test
    void patientsPerSexMatchThePlaintext() throws Exception {
        Map<String, Set<Long>> patientsBySex = new TreeMap<>();
        for (AnalyticsRow row : allRows) {
            patientsBySex
                    .computeIfAbsent(row.sex().fhirCode(), x -> new HashSet<>())
                    .add(row.patientPseudonym());
        }
        StatisticsResult result = run("count-by-sex");
        Map<String, Double> released = new TreeMap<>();
        result.groups().forEach(g -> released.put(g.key().get("sex"), g.value("count")));
        Map<String, Double> expected = new TreeMap<>();
        patientsBySex.forEach((sex, patients) -> expected.put(sex, (double) patients.size()));
        assertEquals(expected, released, "each patient counted once (maxRowsPerPatient 1), both sexes >= k");
        assertEquals(0, result.suppressedGroups());
        assertEquals(55, result.inputRecords());
    }

    @Test
    void ageBandsBelowTenPatientsAreSuppressed() throws Exception {
        // With one row per patient, a patient counts in the band of its first stored row: records in id order,
        // rows sorted by pseudonym (stable), as QUERY.md §Privacy 1 says.
        Map<String, Integer> patientsByBand = new TreeMap<>();
        for (List<AnalyticsRow> rows : data.rowsByRecord.values()) {
            Set<Long> seen = new HashSet<>();
            rows.stream()
                    .sorted(Comparator.comparingLong(AnalyticsRow::patientPseudonym))
                    .filter(r -> seen.add(r.patientPseudonym()))
                    .forEach(r -> patientsByBand.merge(AgeBand.label(r.ageBand()), 1, Integer::sum));
        }
        StatisticsResult result = run("count-by-age");
        Map<String, Double> released = new TreeMap<>();
        result.groups().forEach(g -> released.put(g.key().get("ageBand"), g.value("count")));
        Map<String, Double> expected = new TreeMap<>();
        patientsByBand.forEach((band, n) -> {
            if (n >= 10) {
                expected.put(band, (double) n);
            }
        });
        assertEquals(expected, released);
        assertEquals(patientsByBand.size() - expected.size(), result.suppressedGroups());
        assertTrue(result.suppressedGroups() > 0, "the sample's 55 patients leave bands under k: " + patientsByBand);
    }

    @Test
    void meanClaimPerHospitalMatchesThePlaintext() throws Exception {
        Map<String, double[]> sums = new TreeMap<>();
        for (AnalyticsRow row : allRows) {
            double[] s = sums.computeIfAbsent(Integer.toString(row.hospitalId()), h -> new double[2]);
            s[0]++;
            s[1] += row.claimCents();
        }
        StatisticsResult result = run("mean-claim-by-hospital");
        assertEquals(2, result.groups().size());
        for (GroupResult group : result.groups()) {
            double[] s = sums.get(group.key().get("hospital"));
            assertEquals(s[0], group.value("count"), 0.0);
            assertEquals(s[1] / s[0], group.value("mean"), 1e-6 * s[1] / s[0]);
        }
    }
}
