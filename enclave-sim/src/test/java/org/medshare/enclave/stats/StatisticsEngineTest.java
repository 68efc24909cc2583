package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedChunk;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractor;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.rows.TestBundles;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/** Acceptance: engine results equal (up to the declared noise) the plaintext oracle; refusals. */
class StatisticsEngineTest {
    static final String PURPOSE = "insurance-stats";

    static final String COUNT_T = """
        {"id": "count-by-age-sex", "version": 1, "purpose": "insurance-stats",
         "description": "claims with a diagnosis prefix by age band and sex",
         "parameters": {"icd": {"type": "icd10Prefix", "min": 1, "max": 4},
                        "from": {"type": "month", "min": 202001, "max": 203012},
                        "to": {"type": "month", "min": 202001, "max": 203012}},
         "filter": {"icd10Prefix": "$icd", "serviceMonth": {"from": "$from", "to": "$to"}},
         "groupBy": ["ageBand", "sex"],
         "aggregate": {"type": "count"},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 3, "maxEpsilon": 2}}
        """;
    static final String MEAN_T = """
        {"id": "mean-claim-by-hospital", "version": 1, "purpose": "insurance-stats",
         "groupBy": ["hospital"], "aggregate": {"type": "mean", "field": "claim", "bounds": [0, 1000000]},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 5}}
        """;
    static final String HIST_T = """
        {"id": "payment-histogram", "version": 1, "purpose": "insurance-stats",
         "filter": {"sex": ["female", "male"]},
         "groupBy": ["sex"], "aggregate": {"type": "histogram", "field": "payment",
                                           "bins": {"lower": 0, "width": 100000, "count": 12}},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 4}}
        """;
    static final String VAR_T = """
        {"id": "claim-variance", "version": 1, "purpose": "insurance-stats",
         "aggregate": {"type": "variance", "field": "claim", "bounds": [0, 2000000]},
         "privacy": {"dp": "none", "maxRowsPerPatient": 1000}}
        """;
    static final String QUANT_T = """
        {"id": "claim-quantiles", "version": 1, "purpose": "insurance-stats",
         "groupBy": ["serviceYear"],
         "aggregate": {"type": "quantiles", "field": "claim", "bounds": [0, 2000000], "probabilities": [0.5, 0.9],
                       "bins": {"lower": 0, "width": 20000, "count": 100}},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 2}}
        """;
    static final String OLS_T = """
        {"id": "payment-ols", "version": 1, "purpose": "insurance-stats",
         "aggregate": {"type": "ols", "y": "payment", "x": ["claim", "ageBand"]},
         "privacy": {"dp": "none", "maxRowsPerPatient": 1000}}
        """;
    static final String LOGIT_T = """
        {"id": "diabetes-logit", "version": 1, "purpose": "insurance-stats",
         "aggregate": {"type": "logistic", "y": "icd:E11", "x": ["claim", "sexFemale"]},
         "privacy": {"dp": "none", "maxRowsPerPatient": 1000}}
        """;
    static final String ISOLATE_T = """
        {"id": "count-hospital-age", "version": 1, "purpose": "insurance-stats",
         "parameters": {"h": {"type": "hospital"}, "icd": {"type": "icd10Prefix"},
                        "amin": {"type": "ageBand"}, "amax": {"type": "ageBand"}},
         "filter": {"hospital": "$h", "icd10Prefix": "$icd", "ageBand": {"min": "$amin", "max": "$amax"}},
         "aggregate": {"type": "count"},
         "privacy": {"dp": "none", "maxRowsPerPatient": 1}}
        """;

    static final String EXACT_Q_T = """
        {"id": "claim-extremes", "version": 1, "purpose": "insurance-stats",
         "aggregate": {"type": "quantiles", "field": "claim", "bounds": [0, 2000000], "probabilities": [0.01, 0.5, 0.99]},
         "privacy": {"dp": "none", "maxRowsPerPatient": 1}}
        """;

    TemplateRegistry registry;
    DataUseRules rules;
    ConsentRegistry consent;
    PrivacyBudget budget;
    StatisticsEngine engine;
    Synthetic data;
    List<EncryptedRecord> records;

    @BeforeEach
    void setUp() throws Exception {
        registry = new TemplateRegistry(10);
        rules = new DataUseRules();
        consent = new ConsentRegistry();
        budget = new PrivacyBudget(3.0);
        engine = new StatisticsEngine(registry, rules, consent, budget, DiscreteSamplersTest.seeded(12345), 10);
        for (String t : List.of(COUNT_T, MEAN_T, HIST_T, VAR_T, QUANT_T, OLS_T, LOGIT_T, ISOLATE_T, EXACT_Q_T)) {
            QueryTemplate qt = QueryTemplate.parse(t);
            registry.submit(qt);
            registry.approve(qt.id(), qt.version(), "regulator-1");
        }
        for (int h = 1; h <= 3; h++) {
            rules.allow(h, PURPOSE, DataUseRules.ANY_TEMPLATE);
        }
        data = new Synthetic()
                .addRandomRecord("rec-1", 1, 700, 1)
                .addRandomRecord("rec-2", 2, 500, 2)
                .addRandomRecord("rec-3", 3, 900, 3);
        records = data.encrypt();
    }

    private StatisticsResult run(String templateId, Map<String, ?> params, Double eps) throws Exception {
        return run(templateId, params, eps, "insurer-1");
    }

    private StatisticsResult run(String templateId, Map<String, ?> params, Double eps, String insurer)
            throws Exception {
        return engine.run(QueryRequest.of(templateId, 1, insurer, PURPOSE, params, eps), records, data.keyProvider());
    }

    private static SortedMap<String, String> ageSex(AnalyticsRow r) {
        return Synthetic.key(
                "ageBand", AgeBand.label(r.ageBand()), "sex", r.sex().fhirCode());
    }

    private Map<SortedMap<String, String>, List<AnalyticsRow>> oracleCount() {
        return Synthetic.groups(
                data.rowsByRecord,
                id -> true,
                r -> Synthetic.hasPrefix(r, "E11") && r.serviceMonth() >= 202301 && r.serviceMonth() <= 202406,
                3,
                StatisticsEngineTest::ageSex);
    }

    @Test
    void countEqualsPlaintextAndSmallGroupsAreSuppressed() throws Exception {
        StatisticsResult res = run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), null);
        Map<SortedMap<String, String>, List<AnalyticsRow>> oracle = oracleCount();
        int released = 0;
        int small = 0;
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : oracle.entrySet()) {
            if (Synthetic.distinctPatients(e.getValue()) >= 10) {
                assertEquals(
                        e.getValue().size(),
                        res.group(e.getKey()).orElseThrow().value("count"),
                        0.0,
                        e.getKey().toString());
                released++;
            } else {
                assertTrue(res.group(e.getKey()).isEmpty(), "small group must be suppressed: " + e.getKey());
                small++;
            }
        }
        assertTrue(small > 0, "the data has small groups (90+ and unknown sex)");
        assertTrue(released >= 6);
        assertEquals(released, res.groups().size());
        assertEquals(small, res.suppressedGroups());
        assertEquals(0, res.epsilonSpentMicros());
        assertEquals(3, res.inputRecords());
        assertArrayEquals(
                MerkleTree.rootOf(List.of("rec-1", "rec-2", "rec-3")),
                HexFormat.of().parseHex(res.inputMerkleRoot()));
        assertArrayEquals(Sha256.hash(res.canonicalBytes()), res.resultHash());
        String signed = new String(res.bytesToSign(), StandardCharsets.UTF_8);
        assertTrue(signed.startsWith("medshare-stats-result-v1\n{"));
        assertTrue(signed.contains(
                "\"templateHash\":\"" + QueryTemplate.parse(COUNT_T).hashHex() + "\""));
    }

    @Test
    void noisyCountStaysWithinTheDeclaredNoiseAndChargesTheBudget() throws Exception {
        StatisticsResult res = run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), 0.5);
        assertEquals(500_000, res.epsilonSpentMicros());
        assertEquals(500_000, budget.spentMicros("insurer-1"));
        assertEquals("discreteLaplace", res.mechanism());
        double scale = 3 / 0.5; // L / epsilon
        assertNoisyCountsWithin(res, 25 * scale);
    }

    /** Every released count is within {@code tolerance} of the oracle's, and at least one differs from it. */
    private void assertNoisyCountsWithin(StatisticsResult res, double tolerance) {
        int differs = 0;
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e :
                oracleCount().entrySet()) {
            if (Synthetic.distinctPatients(e.getValue()) >= 10) {
                double v = res.group(e.getKey()).orElseThrow().value("count");
                assertEquals(e.getValue().size(), v, tolerance, e.getKey().toString());
                differs += v != e.getValue().size() ? 1 : 0;
            }
        }
        assertTrue(differs > 0, "noise was added");
    }

    @Test
    void discreteGaussianMechanismStaysWithinItsDeclaredNoise() throws Exception {
        QueryTemplate g = QueryTemplate.parse(COUNT_T.replace("count-by-age-sex", "count-gauss")
                .replace(
                        "\"maxEpsilon\": 2",
                        "\"maxEpsilon\": 1, \"mechanism\": \"discreteGaussian\", \"delta\": 1e-6"));
        registry.submit(g);
        registry.approve("count-gauss", 1, "regulator-1");
        StatisticsResult res = run("count-gauss", Map.of("icd", "E11", "from", 202301, "to", 202406), 1.0);
        assertEquals("discreteGaussian", res.mechanism());
        assertEquals(1e-6, res.delta());
        assertEquals(1_000_000, budget.spentMicros("insurer-1"));
        double sigma = 3 * Math.sqrt(2 * Math.log(1.25 / 1e-6)) / 1.0;
        assertNoisyCountsWithin(res, 8 * sigma);
        QueryRefusedException tooBig = assertThrows(
                QueryRefusedException.class,
                () -> QueryTemplate.parse(COUNT_T.replace(
                        "\"maxEpsilon\": 2",
                        "\"maxEpsilon\": 2, \"mechanism\": \"discreteGaussian\", \"delta\": 1e-6")));
        assertEquals(Reason.TEMPLATE_INVALID, tooBig.reason());
    }

    static final String VAR_DP_T = """
        {"id": "claim-variance-dp", "version": 1, "purpose": "insurance-stats",
         "groupBy": ["hospital"], "aggregate": {"type": "variance", "field": "claim", "bounds": [0, 1000000]},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 5}}
        """;

    /**
     * Every value released with noise carries its accuracy, in the canonical (signed) bytes: a noisy count its
     * mechanism, scale, half-width and {@code [value - h, value + h]}; a mean or variance an interval derived from its
     * noisy parts, inside the clamping bounds; a quantile of the noisy histogram the values of the bins it can lie in.
     * A result without noise
     * carries none.
     */
    @Test
    void everyNoisyValueCarriesItsAccuracyInTheSignedResult() throws Exception {
        Map<String, Object> e11 = Map.of("icd", "E11", "from", 202301, "to", 202406);
        StatisticsResult laplace = run("count-by-age-sex", e11, 0.5, "insurer-acc-1");
        assertFalse(laplace.groups().isEmpty());
        for (GroupResult g : laplace.groups()) {
            ValueAccuracy a = g.accuracyOf("count").orElseThrow();
            double count = g.value("count");
            assertEquals("discreteLaplace", a.mechanism());
            assertEquals(6.0, a.scale().getAsDouble(), "L / ε = 3 / 0.5");
            assertEquals(Accuracy.laplaceHalfWidth(6.0, 0.05), a.halfWidth().getAsDouble());
            assertEquals(
                    new Accuracy.Interval(count - 18, count + 18), a.interval().orElseThrow());
            assertEquals(List.of(), a.derivedFrom());
        }
        JsonNode signed = new ObjectMapper().readTree(laplace.canonicalBytes());
        JsonNode first = signed.get("groups").get(0);
        assertEquals(
                List.of("confidence", "halfWidth", "lower", "mechanism", "scale", "upper"),
                fieldNames(first.get("accuracy").get("count")));
        assertEquals(
                first.get("values").get("count").asDouble() - 18,
                first.get("accuracy").get("count").get("lower").asDouble());

        QueryTemplate g = QueryTemplate.parse(COUNT_T.replace("count-by-age-sex", "count-gauss")
                .replace(
                        "\"maxEpsilon\": 2",
                        "\"maxEpsilon\": 1, \"mechanism\": \"discreteGaussian\", \"delta\": 1e-6"));
        registry.submit(g);
        registry.approve("count-gauss", 1, "regulator-1");
        StatisticsResult gauss = run("count-gauss", e11, 1.0, "insurer-acc-2");
        double sigma2 = 9 * 2 * Math.log(1.25 / 1e-6) * (1 + 1e-9);
        double sigma = Math.sqrt(Math.ceil(sigma2 * 1e6) / 1e6);
        for (GroupResult r : gauss.groups()) {
            ValueAccuracy a = r.accuracyOf("count").orElseThrow();
            assertEquals("discreteGaussian", a.mechanism());
            assertEquals(sigma, a.scale().getAsDouble(), 1e-12);
            assertEquals(Accuracy.gaussianHalfWidth(sigma, 0.05), a.halfWidth().getAsDouble());
            assertEquals(
                    r.value("count") + a.halfWidth().getAsDouble(),
                    a.interval().orElseThrow().upper());
        }

        StatisticsResult mean = run("mean-claim-by-hospital", Map.of(), 1.0, "insurer-acc-3");
        assertEquals(3, mean.groups().size());
        for (GroupResult r : mean.groups()) {
            assertEquals(Set.of("count", "sum", "mean"), r.accuracy().keySet());
            assertEquals(10.0, r.accuracyOf("count").orElseThrow().scale().getAsDouble(), "L·2/ε");
            assertEquals(10_000_000.0, r.accuracyOf("sum").orElseThrow().scale().getAsDouble(), "L·upper·2/ε");
            ValueAccuracy m = r.accuracyOf("mean").orElseThrow();
            assertEquals(List.of("count", "sum"), m.derivedFrom());
            Accuracy.Interval ci = m.interval().orElseThrow();
            assertTrue(0 <= ci.lower() && ci.lower() <= ci.upper() && ci.upper() <= 1_000_000, ci.toString());
        }

        registry.submit(QueryTemplate.parse(VAR_DP_T));
        registry.approve("claim-variance-dp", 1, "regulator-1");
        StatisticsResult variance = run("claim-variance-dp", Map.of(), 1.0, "insurer-acc-4");
        for (GroupResult r : variance.groups()) {
            assertEquals(Set.of("count", "mean", "variance"), r.accuracy().keySet());
            ValueAccuracy v = r.accuracyOf("variance").orElseThrow();
            assertEquals(List.of("count", "sum", "sumOfSquares"), v.derivedFrom());
            Accuracy.Interval ci = v.interval().orElseThrow();
            assertTrue(
                    0 <= ci.lower() && ci.lower() <= ci.upper() && ci.upper() <= 500_000.0 * 500_000.0, ci.toString());
        }

        StatisticsResult hist = run("payment-histogram", Map.of(), 1.0, "insurer-acc-5");
        for (GroupResult r : hist.groups()) {
            assertEquals(r.values().keySet(), r.accuracy().keySet(), "every noisy bin");
        }
        StatisticsResult quantiles = run("claim-quantiles", Map.of(), 1.0, "insurer-acc-6");
        for (GroupResult r : quantiles.groups()) {
            for (String name : List.of("q[0.5]", "q[0.9]")) {
                ValueAccuracy q = r.accuracyOf(name).orElseThrow();
                assertEquals(List.of("histogram"), q.derivedFrom());
                Accuracy.Interval ci = q.interval().orElseThrow();
                assertTrue(
                        0 <= ci.lower()
                                && ci.lower() <= r.value(name)
                                && r.value(name) <= ci.upper()
                                && ci.upper() <= 2_000_000,
                        name + " " + r.value(name) + " in " + ci);
                assertTrue(ci.upper() - ci.lower() < 1_000_000, "narrower than half the bounds: " + ci);
            }
        }
        JsonNode quantile = new ObjectMapper()
                .readTree(quantiles.canonicalBytes())
                .get("groups")
                .get(0)
                .get("accuracy")
                .get("q[0.5]");
        assertEquals(List.of("confidence", "derivedFrom", "lower", "mechanism", "upper"), fieldNames(quantile));

        StatisticsResult exact = run("count-by-age-sex", e11, null, "insurer-acc-7");
        for (GroupResult r : exact.groups()) {
            assertTrue(r.accuracy().isEmpty(), "no noise, no accuracy");
        }
        assertTrue(new String(exact.canonicalBytes(), StandardCharsets.UTF_8).contains("\"accuracy\":{}"));
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void meanHistogramVarianceQuantilesEqualPlaintext() throws Exception {
        StatisticsResult mean = run("mean-claim-by-hospital", Map.of(), null);
        Map<SortedMap<String, String>, List<AnalyticsRow>> byHospital = Synthetic.groups(
                data.rowsByRecord,
                id -> true,
                r -> true,
                5,
                r -> Synthetic.key("hospital", Integer.toString(r.hospitalId())));
        assertEquals(3, mean.groups().size());
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : byHospital.entrySet()) {
            double expected = e.getValue().stream()
                            .mapToLong(r -> Math.min(r.claimCents(), 1_000_000))
                            .sum()
                    / (double) e.getValue().size();
            assertEquals(expected, mean.group(e.getKey()).orElseThrow().value("mean"), 1e-9);
        }

        StatisticsResult dpMean = run("mean-claim-by-hospital", Map.of(), 1.0);
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : byHospital.entrySet()) {
            GroupResult g = dpMean.group(e.getKey()).orElseThrow();
            long sum = e.getValue().stream()
                    .mapToLong(r -> Math.min(r.claimCents(), 1_000_000))
                    .sum();
            assertEquals(e.getValue().size(), g.value("count"), 25 * 5 * 2 / 1.0);
            assertEquals(sum, g.value("sum"), 25 * 5 * 1_000_000 * 2 / 1.0);
        }

        StatisticsResult hist = run("payment-histogram", Map.of(), null);
        Map<SortedMap<String, String>, List<AnalyticsRow>> bySex = Synthetic.groups(
                data.rowsByRecord,
                id -> true,
                r -> r.sex() == Sex.FEMALE || r.sex() == Sex.MALE,
                4,
                r -> Synthetic.key("sex", r.sex().fhirCode()));
        assertEquals(2, hist.groups().size());
        int withheldBins = 0;
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : bySex.entrySet()) {
            long[] bins = new long[12];
            List<Set<Long>> binPatients = new ArrayList<>();
            for (int b = 0; b < 12; b++) {
                binPatients.add(new HashSet<>());
            }
            for (AnalyticsRow r : e.getValue()) {
                int b = (int) Math.min(11, r.paymentCents() / 100_000);
                bins[b]++;
                binPatients.get(b).add(r.patientPseudonym());
            }
            GroupResult g = hist.group(e.getKey()).orElseThrow();
            for (int b = 0; b < 12; b++) {
                int patients = binPatients.get(b).size();
                if (patients > 0 && patients < 10) {
                    assertFalse(g.values().containsKey(StatisticsEngine.binName(b)), "a bin of < k patients");
                    withheldBins++;
                } else {
                    assertEquals(bins[b], g.value(StatisticsEngine.binName(b)), 0.0);
                }
            }
        }
        assertEquals(withheldBins, hist.suppression().values(), "each withheld bin is counted");

        StatisticsResult var = run("claim-variance", Map.of(), null);
        List<AnalyticsRow> all = Synthetic.groups(data.rowsByRecord, id -> true, r -> true, 1000, r -> Synthetic.key())
                .get(Synthetic.key());
        double[] claims = all.stream().mapToDouble(AnalyticsRow::claimCents).toArray();
        double m = Arrays.stream(claims).average().orElseThrow();
        double pv = Arrays.stream(claims).map(c -> (c - m) * (c - m)).sum() / claims.length;
        assertEquals(m, var.groups().get(0).value("mean"), 1e-6);
        assertEquals(pv, var.groups().get(0).value("variance"), pv * 1e-9);

        StatisticsResult q = run("claim-quantiles", Map.of(), null);
        Map<SortedMap<String, String>, List<AnalyticsRow>> byYear = Synthetic.groups(
                data.rowsByRecord,
                id -> true,
                r -> true,
                2,
                r -> Synthetic.key("serviceYear", Integer.toString(r.serviceMonth() / 100)));
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : byYear.entrySet()) {
            int[] sorted = e.getValue().stream()
                    .mapToInt(AnalyticsRow::claimCents)
                    .sorted()
                    .toArray();
            GroupResult g = q.group(e.getKey()).orElseThrow();
            for (double p : List.of(0.5, 0.9)) {
                Double expected = exactQuantileRelease(e.getValue(), sorted[(int) Math.ceil(p * sorted.length) - 1]);
                String name = StatisticsEngine.quantileName(p);
                if (expected == null) {
                    assertFalse(g.values().containsKey(name), name + " would rest on < k patients");
                } else {
                    assertEquals(expected, g.value(name), 0.0, name);
                }
            }
        }
        StatisticsResult dq = run("claim-quantiles", Map.of(), 1.0);
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : byYear.entrySet()) {
            int[] sorted = e.getValue().stream()
                    .mapToInt(AnalyticsRow::claimCents)
                    .sorted()
                    .toArray();
            double median = sorted[sorted.length / 2];
            assertEquals(
                    median,
                    dq.group(e.getKey()).orElseThrow().value("q[0.5]"),
                    60_000,
                    "DP median via noisy histogram");
        }
    }

    /**
     * Oracle of QUERY.md §Privacy for a quantile without noise (claim-quantiles: bins of 20 000 from 0, 100 bins, k =
     * 10): the nearest-rank value if 10 patients hold it, else its bin's midpoint if 10 patients are in that bin, else
     * nothing.
     */
    private static Double exactQuantileRelease(List<AnalyticsRow> rows, long value) {
        Set<Long> holders = new HashSet<>();
        Set<Long> inBin = new HashSet<>();
        long bin = Math.min(99, Math.min(2_000_000, value) / 20_000);
        for (AnalyticsRow r : rows) {
            long v = Math.min(2_000_000, r.claimCents());
            if (v == value) {
                holders.add(r.patientPseudonym());
            }
            if (Math.min(99, v / 20_000) == bin) {
                inBin.add(r.patientPseudonym());
            }
        }
        if (holders.size() >= 10) {
            return (double) value;
        }
        return inBin.size() >= 10 ? (bin + 0.5) * 20_000 : null;
    }

    @Test
    void regressionsMatchAnIndependentFit() throws Exception {
        StatisticsResult ols = run("payment-ols", Map.of(), null);
        List<AnalyticsRow> all = Synthetic.groups(
                        data.rowsByRecord, id -> true, r -> r.ageBand() <= AgeBand.MAX_BAND, 1000, r -> Synthetic.key())
                .get(Synthetic.key());
        double[] y = new double[all.size()];
        double[][] x = new double[all.size()][2];
        for (int i = 0; i < all.size(); i++) {
            y[i] = all.get(i).paymentCents();
            x[i][0] = all.get(i).claimCents();
            x[i][1] = all.get(i).ageBand();
        }
        OLSMultipleLinearRegression reference = new OLSMultipleLinearRegression();
        reference.newSampleData(y, x);
        double[] beta = reference.estimateRegressionParameters();
        GroupResult g = ols.groups().get(0);
        assertEquals(beta[0], g.value("beta[intercept]"), Math.abs(beta[0]) * 1e-6 + 1e-3);
        assertEquals(beta[1], g.value("beta[claim]"), 1e-6);
        assertEquals(beta[2], g.value("beta[ageBand]"), Math.abs(beta[2]) * 1e-6);
        assertEquals(reference.calculateRSquared(), g.value("r2"), 1e-6);
        assertEquals(0.7, g.value("beta[claim]"), 0.01, "the synthetic slope");

        StatisticsResult logit = run("diabetes-logit", Map.of(), null);
        GroupResult lg = logit.groups().get(0);
        assertTrue(lg.value("iterations") < 25, "Newton converged");
        // the synthetic data draws codes independently of claim and sex: coefficients near 0,
        // intercept near logit(P[E11 in row])
        List<AnalyticsRow> rows = all;
        double rate = rows.stream().filter(r -> Synthetic.hasPrefix(r, "E11")).count() / (double) rows.size();
        assertEquals(Math.log(rate / (1 - rate)), lg.value("beta[intercept]"), 0.15);
        assertEquals(0, lg.value("beta[claim]") * 1_000_000, 0.2);
        assertEquals(0, lg.value("beta[sexFemale]"), 0.2);
    }

    static final String OLS_DP_T = """
        {"id": "payment-ols-dp", "version": 1, "purpose": "insurance-stats",
         "aggregate": {"type": "ols", "y": "payment", "x": ["claim", "sexFemale"],
                       "featureBounds": {"claim": [0, 1600000], "payment": [0, 1600000]}},
         "privacy": {"dp": "optional", "maxRowsPerPatient": 4, "maxEpsilon": 2.5}}
        """;

    private QueryTemplate approve(String template) throws Exception {
        QueryTemplate t = QueryTemplate.parse(template);
        registry.submit(t);
        registry.approve(t.id(), t.version(), "regulator-1");
        return t;
    }

    /** Clamping bounds on regression features apply with or without noise: the fit is that of the clamped rows. */
    @Test
    void featureBoundsClampTheRegressionsInputs() throws Exception {
        approve(OLS_T.replace("payment-ols", "payment-ols-clamped")
                .replace(
                        "\"x\": [\"claim\", \"ageBand\"]",
                        "\"x\": [\"claim\", \"ageBand\"], \"featureBounds\": {\"claim\": [0, 500000]}"));
        StatisticsResult ols = run("payment-ols-clamped", Map.of(), null);
        List<AnalyticsRow> all = Synthetic.groups(
                        data.rowsByRecord, id -> true, r -> r.ageBand() <= AgeBand.MAX_BAND, 1000, r -> Synthetic.key())
                .get(Synthetic.key());
        double[] y = new double[all.size()];
        double[][] x = new double[all.size()][2];
        for (int i = 0; i < all.size(); i++) {
            y[i] = all.get(i).paymentCents();
            x[i][0] = Math.min(500_000, all.get(i).claimCents());
            x[i][1] = all.get(i).ageBand();
        }
        OLSMultipleLinearRegression reference = new OLSMultipleLinearRegression();
        reference.newSampleData(y, x);
        double[] beta = reference.estimateRegressionParameters();
        GroupResult g = ols.groups().get(0);
        assertEquals(all.size(), g.value("n"));
        assertEquals(beta[1], g.value("beta[claim]"), Math.abs(beta[1]) * 1e-6);
        assertEquals(beta[0], g.value("beta[intercept]"), Math.abs(beta[0]) * 1e-6);
        assertTrue(
                Math.abs(g.value("beta[claim]") - 0.7) > 0.05, "clamping changed the slope: " + g.value("beta[claim]"));
    }

    /**
     * Under DP a least-squares fit comes from noisy Gram entries: n with its exact interval, coefficients and r² with
     * parametric-bootstrap intervals; the noise is what the plan announced; ε is charged once.
     */
    @Test
    void aPrivateRegressionIsFittedFromNoisySufficientStatisticsWithItsAccuracy() throws Exception {
        QueryTemplate t = approve(OLS_DP_T);
        GroupResult exact = run("payment-ols-dp", Map.of(), null).groups().get(0);
        assertTrue(exact.accuracy().isEmpty(), "no noise, no accuracy");
        GroupResult noisy = run("payment-ols-dp", Map.of(), 2.5).groups().get(0);
        assertEquals(2_500_000, budget.spentMicros("insurer-1"));
        assertEquals(
                Set.of("n", "beta[intercept]", "beta[claim]", "beta[sexFemale]", "r2"),
                noisy.values().keySet());

        ValueAccuracy n = noisy.accuracyOf("n").orElseThrow();
        assertTrue(n.interval().orElseThrow().lower() <= exact.value("n")
                && exact.value("n") <= n.interval().orElseThrow().upper());
        assertNotEquals(exact.value("n"), noisy.value("n"), "n carries noise");
        for (String fitted : List.of("beta[intercept]", "beta[claim]", "beta[sexFemale]")) {
            ValueAccuracy a = noisy.accuracyOf(fitted).orElseThrow();
            assertEquals(Optional.of(ValueAccuracy.PARAMETRIC_BOOTSTRAP), a.method(), fitted);
            assertEquals(List.of("xtx", "xty", "yty"), a.derivedFrom(), fitted);
            Accuracy.Interval ci = a.interval().orElseThrow();
            assertTrue(ci.lower() < noisy.value(fitted) && noisy.value(fitted) < ci.upper(), fitted + " " + ci);
        }
        ValueAccuracy r2 = noisy.accuracyOf("r2").orElseThrow();
        assertTrue(r2.interval().isEmpty() && r2.method().isEmpty(), "no interval for r²: " + r2);
        Accuracy.Interval slope =
                noisy.accuracyOf("beta[claim]").orElseThrow().interval().orElseThrow();
        assertTrue(
                slope.lower() <= exact.value("beta[claim]") && exact.value("beta[claim]") <= slope.upper(),
                "the interval covers the exact fit (fixed seed): " + slope + " " + exact.value("beta[claim]"));
        assertTrue(slope.upper() - slope.lower() < 1, "informative: " + slope);
        assertEquals(0.7, noisy.value("beta[claim]"), 0.5);

        ReleasePlan plan = StatisticsEngine.plan(t, 2_500_000, DisclosureLimits.NONE, List.of(1, 2, 3));
        assertEquals(
                List.of(
                        "xtx[0,0]",
                        "xtx[0,1]",
                        "xtx[0,2]",
                        "xtx[1,1]",
                        "xtx[1,2]",
                        "xtx[2,2]",
                        "xty[0]",
                        "xty[1]",
                        "xty[2]",
                        "yty"),
                plan.noise().stream().map(ReleasePlan.NoisedValue::value).toList());
        // Laplace b = sensitivity · parts / ε: 4 rows per patient, 10 Gram entries, ε = 2.5
        assertEquals(4 * 10 / 2.5, plan.noise().get(0).scale(), 1e-9);
        assertEquals(4 * 10 * 1_600_000.0 / 2.5, plan.noise().get(4).scale(), 1e-3);
        assertEquals(
                4 * 10 * 1_600_000.0 * 1_600_000.0 / 2.5, plan.noise().get(9).scale(), 1);
        assertEquals(plan.noise().get(0).scale(), n.scale().orElseThrow(), 1e-9);
    }

    @Test
    void fhirBundlesFlowThroughExtractorCodecAndEngine() throws Exception {
        PseudonymKey pk = PseudonymKey.of(new byte[32]);
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            AdministrativeGender g = i < 11 ? AdministrativeGender.FEMALE : AdministrativeGender.MALE;
            rows.addAll(RowExtractor.shared()
                    .extract(
                            TestBundles.patientBundle(
                                    "fp" + i, g, "1980-01-01", "E11.9", 2, "100.00", "80.00", "2024-03-10"),
                            1,
                            pk));
        }
        data = new Synthetic().addRecord("fhir-1", 1, rows, 99);
        records = data.encrypt();
        StatisticsResult res = run("count-by-age-sex", Map.of("icd", "E11", "from", 202401, "to", 202412), null);
        assertEquals(1, res.groups().size());
        assertEquals(
                22,
                res.group(Synthetic.key("ageBand", "40-44", "sex", "female"))
                        .orElseThrow()
                        .value("count"),
                0.0);
        assertEquals(1, res.suppressedGroups(), "3 male patients are below k");
        assertEquals(new Suppression(1, 0), res.suppression(), "the minimum group size suppressed it");
    }

    @Test
    void differencingAttackIsDefeated() throws Exception {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            int band = p == 0 ? 12 : 5; // patient 0 is the only one aged 60-64
            rows.add(AnalyticsRow.of(
                    1000 + p, band, Sex.FEMALE, new int[] {Icd10.encode("E11.9")}, 50_000, 40_000, 202402, 1));
        }
        for (int p = 0; p < 15; p++) {
            rows.add(
                    AnalyticsRow.of(5000 + p, 5, Sex.MALE, new int[] {Icd10.encode("I10")}, 50_000, 40_000, 202402, 1));
        }
        data = new Synthetic().addRecord("d-1", 1, rows, 5);
        records = data.encrypt();
        StatisticsResult all = run("count-hospital-age", Map.of("h", 1, "icd", "E11", "amin", 0, "amax", 18), null);
        assertEquals(30, all.groups().get(0).value("count"), 0.0);
        StatisticsResult allButOne =
                run("count-hospital-age", Map.of("h", 1, "icd", "E11", "amin", 0, "amax", 11), null);
        assertTrue(allButOne.groups().isEmpty(), "29 vs 30 patients would reveal patient 0's diagnosis");
        assertEquals(1, allButOne.suppressedGroups());
        assertEquals(new Suppression(0, 1), allButOne.suppression(), "the differencing guard suppressed it");
        JsonNode by = new ObjectMapper().readTree(allButOne.canonicalBytes()).get("suppressedBy");
        assertEquals(0, by.get("minimumGroupSize").asInt(), "the signed result says which guard");
        assertEquals(1, by.get("differencing").asInt(), "the signed result says which guard");
        StatisticsResult same = run("count-hospital-age", Map.of("h", 1, "icd", "E11", "amin", 0, "amax", 17), null);
        assertEquals(30, same.groups().get(0).value("count"), 0.0, "the same patient set is no difference");
        StatisticsResult other = run("count-hospital-age", Map.of("h", 1, "icd", "I10", "amin", 0, "amax", 18), null);
        assertEquals(15, other.groups().get(0).value("count"), 0.0, "a disjoint set differs by >= k");
        StatisticsResult otherInsurer =
                run("count-hospital-age", Map.of("h", 1, "icd", "E11", "amin", 0, "amax", 11), null, "insurer-2");
        assertEquals(29, otherInsurer.groups().get(0).value("count"), 0.0, "history is per insurer");
    }

    /**
     * 30 women with the same claim and payment and one man whose claim and payment are far above theirs: no
     * released number may be his alone. Before values were checked one by one, the exact maximum (q[0.99]), the
     * binned quantile's top bin and the histogram bin holding only him were released.
     */
    @Test
    void aQuantileOrHistogramBinThatWouldRevealOnePatientIsWithheld() throws Exception {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            rows.add(AnalyticsRow.of(
                    1000 + p, 5, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 50_000, 40_000, 202402, 1));
        }
        rows.add(AnalyticsRow.of(9000, 5, Sex.MALE, new int[] {Icd10.encode("I10")}, 1_990_000, 1_150_000, 202402, 1));
        data = new Synthetic().addRecord("outlier-1", 1, rows, 5);
        records = data.encrypt();

        StatisticsResult exact = run("claim-extremes", Map.of(), null);
        GroupResult all = exact.groups().get(0);
        assertEquals(50_000, all.value("q[0.5]"), 0.0, "30 patients hold the median");
        assertEquals(50_000, all.value("q[0.01]"), 0.0, "30 patients hold the minimum");
        assertFalse(all.values().containsKey("q[0.99]"), "the maximum is one patient's claim");
        assertEquals(1, exact.suppression().values());
        assertEquals(
                1,
                new ObjectMapper()
                        .readTree(exact.canonicalBytes())
                        .get("suppressedValues")
                        .asInt());

        StatisticsResult binned = run("claim-quantiles", Map.of(), null);
        GroupResult year = binned.groups().get(0);
        assertEquals(50_000, year.value("q[0.5]"), 0.0);
        assertEquals(50_000, year.value("q[0.9]"), 0.0, "q[0.9] of 31 rows is still a woman's claim");
        StatisticsResult again = run("claim-extremes", Map.of(), null);
        assertEquals(exact.groups(), again.groups(), "the same query withholds the same value again");
        assertEquals(1, again.suppression().values());
    }

    @Test
    void aHistogramBinOfFewerThanKPatientsIsWithheldInAReleasedGroup() throws Exception {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            rows.add(AnalyticsRow.of(
                    1000 + p, 5, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 50_000, 40_000, 202402, 1));
        }
        rows.add(
                AnalyticsRow.of(1030, 5, Sex.FEMALE, new int[] {Icd10.encode("I10")}, 1_990_000, 1_150_000, 202403, 1));
        data = new Synthetic().addRecord("outlier-2", 1, rows, 5);
        records = data.encrypt();
        StatisticsResult hist = run("payment-histogram", Map.of(), null);
        GroupResult women = hist.group(Synthetic.key("sex", "female")).orElseThrow();
        assertEquals(30, women.value(StatisticsEngine.binName(0)), 0.0);
        assertEquals(0, women.value(StatisticsEngine.binName(5)), 0.0, "empty bins are released");
        assertFalse(women.values().containsKey(StatisticsEngine.binName(11)), "one patient's bin is withheld");
        assertEquals(1, hist.suppression().values());

        StatisticsResult noisy = run("payment-histogram", Map.of(), 1.0);
        assertTrue(
                noisy.group(Synthetic.key("sex", "female"))
                        .orElseThrow()
                        .values()
                        .containsKey(StatisticsEngine.binName(11)),
                "with noise every bin is released, covered by the noise");
        assertEquals(0, noisy.suppression().values());
    }

    /** An indicator (or outcome) that only a few patients have would make its coefficient describe them. */
    @Test
    void aRegressionWhoseIndicatorSinglesOutAPatientIsWithheld() throws Exception {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            String icd = p == 0 ? "E11.9" : "I10";
            Sex sex = p % 2 == 0 ? Sex.FEMALE : Sex.MALE;
            rows.add(AnalyticsRow.of(
                    1000 + p, 4 + p % 3, sex, new int[] {Icd10.encode(icd)}, 50_000 + 7 * p, 40_000 + p, 202402, 1));
        }
        data = new Synthetic().addRecord("logit-1", 1, rows, 5);
        records = data.encrypt();
        GroupResult lg = run("diabetes-logit", Map.of(), null).groups().get(0);
        assertEquals(Map.of("n", 30.0, "withheld", 1.0), lg.values(), "only patient 0 has E11");
        StatisticsResult ols = run("payment-ols", Map.of(), null);
        assertTrue(ols.groups().get(0).values().containsKey("beta[claim]"), "no indicator: the fit is released");
        assertEquals(0, ols.suppression().values());
    }

    /**
     * The same 30 patients in both queries, but the second leaves out December, when only patient 0 had a claim:
     * the difference of the two counts would be patient 0's December claim. The patient sets are equal, so a guard
     * comparing patients lets it through; comparing the rows used catches it.
     */
    @Test
    void aDifferencingPairWithTheSamePatientsAndDifferentRowsIsCaught() throws Exception {
        List<AnalyticsRow> rows = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            rows.add(AnalyticsRow.of(
                    1000 + p, 5, Sex.FEMALE, new int[] {Icd10.encode("E11.9")}, 50_000, 40_000, 202401, 1));
            if (p == 0) {
                rows.add(AnalyticsRow.of(
                        1000, 5, Sex.FEMALE, new int[] {Icd10.encode("E11.9")}, 50_000, 40_000, 202412, 1));
            }
        }
        data = new Synthetic().addRecord("months-1", 1, rows, 5);
        records = data.encrypt();
        SortedMap<String, String> women = Synthetic.key("ageBand", AgeBand.label(5), "sex", "female");
        StatisticsResult year = run("count-by-age-sex", Map.of("icd", "E11", "from", 202401, "to", 202412), null);
        assertEquals(31, year.group(women).orElseThrow().value("count"), 0.0);
        StatisticsResult elevenMonths =
                run("count-by-age-sex", Map.of("icd", "E11", "from", 202401, "to", 202411), null);
        assertTrue(
                elevenMonths.groups().isEmpty(), "30 vs 31 rows of the same patients would reveal patient 0's claim");
        assertEquals(new Suppression(0, 1), elevenMonths.suppression());
        StatisticsResult again = run("count-by-age-sex", Map.of("icd", "E11", "from", 202401, "to", 202412), null);
        assertEquals(31, again.group(women).orElseThrow().value("count"), 0.0, "the same rows are no difference");
        StatisticsResult otherInsurer =
                run("count-by-age-sex", Map.of("icd", "E11", "from", 202401, "to", 202411), null, "insurer-2");
        assertEquals(30, otherInsurer.group(women).orElseThrow().value("count"), 0.0, "history is per insurer");
    }

    @Test
    void consentRevocationAndDataUseRulesRemoveRecordsBeforeDecryption() throws Exception {
        consent.revoke("rec-2");
        rules.disallow(3, PURPOSE, DataUseRules.ANY_TEMPLATE);
        rules.allow(3, PURPOSE, "payment-ols");
        StatisticsResult res = run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), null);
        assertEquals(List.of("rec-1"), data.keyRequests, "keys only for admitted records");
        assertEquals(1, res.inputRecords());
        assertArrayEquals(MerkleTree.rootOf(List.of("rec-1")), HexFormat.of().parseHex(res.inputMerkleRoot()));
        Map<SortedMap<String, String>, List<AnalyticsRow>> oracle = Synthetic.groups(
                data.rowsByRecord,
                "rec-1"::equals,
                r -> Synthetic.hasPrefix(r, "E11") && r.serviceMonth() >= 202301 && r.serviceMonth() <= 202406,
                3,
                StatisticsEngineTest::ageSex);
        for (Map.Entry<SortedMap<String, String>, List<AnalyticsRow>> e : oracle.entrySet()) {
            if (Synthetic.distinctPatients(e.getValue()) >= 10) {
                assertEquals(
                        e.getValue().size(), res.group(e.getKey()).orElseThrow().value("count"), 0.0);
            }
        }
        data.keyRequests.clear();
        run("payment-ols", Map.of(), null);
        assertEquals(List.of("rec-1", "rec-3"), data.keyRequests, "hospital 3 allows only payment-ols");
        assertEquals(1, res.consentExcludedRecords(), "rec-2 revoked; rec-3 is left out by its hospital's rules");
    }

    private StatisticsResult runUnder(DisclosureLimits limits, String templateId, Map<String, ?> params, Double eps)
            throws Exception {
        return engine.run(
                QueryRequest.of(templateId, 1, "insurer-1", PURPOSE, params, eps),
                records,
                QueryConsent.NONE,
                limits,
                data.keyProvider());
    }

    private void refusedUnder(DisclosureLimits limits, Double eps, String hospital) {
        data.keyRequests.clear();
        QueryRefusedException e = assertThrows(
                QueryRefusedException.class,
                () -> runUnder(limits, "count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), eps));
        assertEquals(Reason.HOSPITAL_LIMIT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("hospital " + hospital), e.getMessage());
        assertTrue(data.keyRequests.isEmpty(), "refused before decryption");
    }

    @Test
    void theLargestKAndTheSmallestEpsilonOfTheHospitalsAQueryTouchesWin() throws Exception {
        Map<String, Object> params = Map.of("icd", "E11", "from", 202301, "to", 202406);
        DisclosureLimits limits = DisclosureLimits.of(Map.of(
                1, new HospitalDisclosure(40, 2_000_000, 1000, false),
                2, new HospitalDisclosure(60, 500_000, 1000, false)));
        Map<SortedMap<String, String>, List<AnalyticsRow>> oracle = oracleCount();
        long between = oracle.values().stream()
                .mapToLong(Synthetic::distinctPatients)
                .filter(n -> n >= 10 && n < 60)
                .count();
        assertTrue(between > 0, "some groups have 10 to 59 patients: the engine's k would release them");

        StatisticsResult limited = runUnder(limits, "count-by-age-sex", params, null);
        assertFalse(limited.groups().isEmpty());
        for (GroupResult g : limited.groups()) {
            assertTrue(Synthetic.distinctPatients(oracle.get(g.key())) >= 60, "k = 60 (hospital 2's): " + g.key());
        }
        assertEquals(
                oracle.values().stream()
                        .filter(rows -> Synthetic.distinctPatients(rows) < 60)
                        .count(),
                limited.suppression().smallGroups());

        refusedUnder(limits, 1.0, "2");
        assertEquals(0, budget.spentMicros("insurer-1"), "nothing was spent");
        assertEquals(400_000, runUnder(limits, "count-by-age-sex", params, 0.4).epsilonSpentMicros());

        // once hospital 2's records are out of the query, its limits do not apply
        rules.disallow(2, PURPOSE, DataUseRules.ANY_TEMPLATE);
        StatisticsResult without2 = runUnder(limits, "count-by-age-sex", params, 1.0);
        assertEquals(2, without2.inputRecords());
        assertEquals(1_400_000, budget.spentMicros("insurer-1"));
    }

    @Test
    void aHospitalThatRequiresNoiseRefusesExactQueriesOverItsRecords() throws Exception {
        DisclosureLimits limits =
                DisclosureLimits.of(Map.of(3, new HospitalDisclosure(10, Long.MAX_VALUE, 1000, true)));
        refusedUnder(limits, null, "3");
        StatisticsResult noisy =
                runUnder(limits, "count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), 0.5);
        assertEquals(3, noisy.inputRecords());
        assertEquals(500_000, noisy.epsilonSpentMicros());
    }

    private static HospitalDisclosure allowing(List<AggregateSpec.Kind> aggregates, List<DisclosedField> fields) {
        return new HospitalDisclosure(
                10, Long.MAX_VALUE, 1000, false, Allowed.anyIfEmpty(aggregates), Allowed.anyIfEmpty(fields));
    }

    private QueryRefusedException refusedUnder(DisclosureLimits limits, String templateId, Map<String, ?> params) {
        data.keyRequests.clear();
        QueryRefusedException e =
                assertThrows(QueryRefusedException.class, () -> runUnder(limits, templateId, params, null));
        assertEquals(Reason.HOSPITAL_LIMIT, e.reason(), e.getMessage());
        assertTrue(data.keyRequests.isEmpty(), "refused before decryption");
        return e;
    }

    @Test
    void aHospitalRefusesAnAggregateItDoesNotAllowNamingBoth() throws Exception {
        DisclosureLimits limits = DisclosureLimits.of(Map.of(2, allowing(List.of(AggregateSpec.Kind.MEAN), List.of())));
        QueryRefusedException e =
                refusedUnder(limits, "count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406));
        assertTrue(e.getMessage().contains("hospital 2 does not allow the aggregate count"), e.getMessage());
        assertEquals(0, budget.spentMicros("insurer-1"));
        assertEquals(
                3, runUnder(limits, "mean-claim-by-hospital", Map.of(), null).inputRecords());
    }

    @Test
    void aHospitalRefusesAFieldItDoesNotAllowButNotItsFilters() throws Exception {
        DisclosureLimits limits = DisclosureLimits.of(
                Map.of(3, allowing(List.of(), List.of(DisclosedField.CLAIM, DisclosedField.HOSPITAL))));
        QueryRefusedException byAgeAndSex =
                refusedUnder(limits, "count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406));
        assertTrue(
                byAgeAndSex.getMessage().contains("hospital 3 does not allow")
                        && byAgeAndSex.getMessage().endsWith("the field ageBand"),
                byAgeAndSex.getMessage());
        QueryRefusedException ols = refusedUnder(limits, "payment-ols", Map.of());
        assertTrue(ols.getMessage().endsWith("the field payment"), ols.getMessage());
        QueryRefusedException logit = refusedUnder(limits, "diabetes-logit", Map.of());
        assertTrue(logit.getMessage().endsWith("the field sex"), logit.getMessage());

        assertEquals(
                3, runUnder(limits, "mean-claim-by-hospital", Map.of(), null).inputRecords());
        StatisticsResult filtered =
                runUnder(limits, "count-hospital-age", Map.of("h", 3, "icd", "E11", "amin", 0, "amax", 18), null);
        assertEquals(3, filtered.inputRecords(), "filters on hospital, age band and diagnosis disclose no field");
    }

    @Test
    void theHospitalsTouchedMayUseOnlyTheAggregatesAllOfThemAllow() throws Exception {
        Map<String, Object> params = Map.of("icd", "E11", "from", 202301, "to", 202406);
        DisclosureLimits overlapping = DisclosureLimits.of(Map.of(
                1, allowing(List.of(AggregateSpec.Kind.COUNT, AggregateSpec.Kind.MEAN), List.of()),
                2, allowing(List.of(AggregateSpec.Kind.MEAN, AggregateSpec.Kind.SUM), List.of())));
        assertEquals(
                Allowed.only(List.of(AggregateSpec.Kind.MEAN)),
                overlapping.strictest(List.of(1, 2, 3)).allowedAggregates());
        assertTrue(refusedUnder(overlapping, "count-by-age-sex", params)
                .getMessage()
                .contains("hospital 2"));
        assertEquals(
                3,
                runUnder(overlapping, "mean-claim-by-hospital", Map.of(), null).inputRecords());

        DisclosureLimits disjoint = DisclosureLimits.of(Map.of(
                1, allowing(List.of(AggregateSpec.Kind.COUNT), List.of()),
                2, allowing(List.of(AggregateSpec.Kind.MEAN), List.of())));
        assertTrue(disjoint.strictest(List.of(1, 2)).allowedAggregates().isNone());
        assertTrue(
                refusedUnder(disjoint, "count-by-age-sex", params).getMessage().contains("hospital 2"));
        assertTrue(refusedUnder(disjoint, "mean-claim-by-hospital", Map.of())
                .getMessage()
                .contains("hospital 1"));

        rules.disallow(2, PURPOSE, DataUseRules.ANY_TEMPLATE);
        assertEquals(2, runUnder(disjoint, "count-by-age-sex", params, null).inputRecords());
    }

    @Test
    void aHospitalsSmallerRowLimitPerPatientLowersTheSensitivityAndTheNoise() throws Exception {
        StatisticsResult template = runUnder(DisclosureLimits.NONE, "mean-claim-by-hospital", Map.of(), 0.5);
        DisclosureLimits oneRow = DisclosureLimits.of(
                Map.of(1, new HospitalDisclosure(10, Long.MAX_VALUE, 1, false), 2, HospitalDisclosure.NONE));
        StatisticsResult limited = runUnder(oneRow, "mean-claim-by-hospital", Map.of(), 0.5);
        int compared = 0;
        for (GroupResult g : template.groups()) {
            GroupResult other = limited.group(g.key()).orElseThrow();
            for (String name : g.values().keySet()) {
                OptionalDouble before =
                        g.accuracyOf(name).map(ValueAccuracy::scale).orElse(OptionalDouble.empty());
                if (before.isPresent()) {
                    double after = other.accuracyOf(name).orElseThrow().scale().orElseThrow();
                    assertEquals(before.getAsDouble() / 5, after, before.getAsDouble() * 1e-9, g.key() + " " + name);
                    compared++;
                }
            }
        }
        assertTrue(compared > 0, "noisy values were compared");
    }

    /** The plan a host can show before a query runs holds the k, row limit and noise the run then applies. */
    @Test
    void thePlanBeforeAnyRecordIsReadIsWhatTheRunApplies() throws Exception {
        DisclosureLimits oneRow = DisclosureLimits.of(
                Map.of(1, new HospitalDisclosure(40, Long.MAX_VALUE, 1, false), 2, HospitalDisclosure.NONE));
        for (DisclosureLimits limits : List.of(DisclosureLimits.NONE, oneRow)) {
            QueryTemplate mean = registry.requireApproved("mean-claim-by-hospital", 1);
            ReleasePlan plan = StatisticsEngine.plan(mean, 500_000, limits, List.of(1, 2, 3));
            assertEquals(limits == oneRow ? 40 : mean.privacy().minGroupSize(), plan.minGroupSize());
            assertEquals(limits == oneRow ? 1 : mean.privacy().maxRowsPerPatient(), plan.maxRowsPerPatient());
            assertEquals(
                    List.of("count", "sum"),
                    plan.noise().stream().map(ReleasePlan.NoisedValue::value).toList());
            StatisticsResult run = runUnder(limits, "mean-claim-by-hospital", Map.of(), 0.5);
            for (GroupResult g : run.groups()) {
                for (ReleasePlan.NoisedValue n : plan.noise()) {
                    ValueAccuracy a = g.accuracyOf(n.value()).orElseThrow();
                    assertEquals(n.mechanism(), a.mechanism());
                    assertEquals(n.scale(), a.scale().orElseThrow(), 1e-9 * n.scale(), n.value());
                    assertEquals(n.halfWidth(), a.halfWidth().orElseThrow(), 1e-9 * n.halfWidth(), n.value());
                }
            }
        }
        QueryTemplate count = registry.requireApproved("count-by-age-sex", 1);
        assertEquals(
                List.of(),
                StatisticsEngine.plan(count, 0, DisclosureLimits.NONE, List.of(1))
                        .noise());
        DisclosureLimits noiseRequired =
                DisclosureLimits.of(Map.of(3, new HospitalDisclosure(10, 200_000, 1000, true)));
        for (long micros : new long[] {0, 300_000}) {
            QueryRefusedException e = assertThrows(
                    QueryRefusedException.class,
                    () -> StatisticsEngine.plan(count, micros, noiseRequired, List.of(1, 3)));
            assertEquals(Reason.HOSPITAL_LIMIT, e.reason());
            assertTrue(e.getMessage().contains("hospital 3"), e.getMessage());
        }
        assertEquals(
                1,
                StatisticsEngine.plan(count, 300_000, noiseRequired, List.of(1, 2))
                        .noise()
                        .size());
    }

    @Test
    void aHostThatRelabelsARecordAsAPermittingHospitalsIsRefusedAndSpendsNothing() throws Exception {
        rules.disallow(3, PURPOSE, DataUseRules.ANY_TEMPLATE);
        EncryptedRecord rec3 = records.get(2);
        assertEquals(3, rec3.hospitalId());
        List<EncryptedRecord> relabelled = new ArrayList<>(records);
        relabelled.set(2, new EncryptedRecord(rec3.recordId(), 1, rec3.chunks()));
        QueryRefusedException e = assertThrows(
                QueryRefusedException.class,
                () -> engine.run(
                        QueryRequest.of(
                                "count-by-age-sex",
                                1,
                                "insurer-1",
                                PURPOSE,
                                Map.of("icd", "E11", "from", 202301, "to", 202406),
                                0.5),
                        relabelled,
                        data.keyProvider()));
        assertEquals(Reason.INPUT_INVALID, e.reason());
        assertTrue(e.getMessage().contains("rec-3"), e.getMessage());
        assertEquals(0, budget.spentMicros("insurer-1"), "nothing was spent");
        // presented as its own hospital's, the record is left out by that hospital's rules as before
        data.keyRequests.clear();
        StatisticsResult honest = run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), null);
        assertEquals(2, honest.inputRecords());
        assertEquals(List.of("rec-1", "rec-2"), data.keyRequests);
    }

    @Test
    void consentDeniedRecordsAreDroppedBeforeDecryptionAndCountedWithRevokedOnes() throws Exception {
        consent.revoke("rec-3");
        byte[] digest = QueryConsent.digestOf(Map.of("consent-of-rec-2", 4));
        StatisticsResult res = engine.run(
                QueryRequest.of(
                        "count-by-age-sex",
                        1,
                        "insurer-1",
                        PURPOSE,
                        Map.of("icd", "E11", "from", 202301, "to", 202406),
                        null),
                records,
                QueryConsent.of(List.of("rec-2", "rec-not-given"), digest),
                data.keyProvider());
        assertEquals(List.of("rec-1"), data.keyRequests, "no key for a denied or revoked record");
        assertEquals(1, res.inputRecords());
        assertEquals(2, res.consentExcludedRecords(), "rec-2 denied and rec-3 revoked; an id not given is no record");
        assertEquals(HexFormat.of().formatHex(digest), res.consentDigest());
        JsonNode json = new ObjectMapper().readTree(res.canonicalBytes());
        assertEquals(StatisticsResult.FORMAT, json.get("format").asInt());
        assertEquals(3, json.get("format").asInt());
        assertEquals(2, json.get("consentExcludedRecords").asInt());
        assertEquals(HexFormat.of().formatHex(digest), json.get("consentDigest").asText());
        assertTrue(new String(res.bytesToSign(), StandardCharsets.UTF_8).contains("\"consentExcludedRecords\":2"));
    }

    @Test
    void withoutAConsentDecisionTheResultCarriesTheDigestOfNoConsent() throws Exception {
        StatisticsResult res = run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), null);
        assertEquals(0, res.consentExcludedRecords());
        assertEquals(QueryConsent.NONE.digestHex(), res.consentDigest());
    }

    private void refused(Reason reason, String requestJson) {
        QueryRefusedException e = assertThrows(
                QueryRefusedException.class,
                () -> engine.run(QueryRequest.parse(requestJson), records, data.keyProvider()),
                requestJson);
        assertEquals(reason, e.reason(), e.getMessage());
    }

    private static String req(String tid, String params, String extra) {
        return "{\"templateId\":\"" + tid + "\",\"templateVersion\":1,\"insurerId\":\"insurer-1\",\"purpose\":\""
                + PURPOSE + "\",\"parameters\":" + params + extra + "}";
    }

    @Test
    void everythingElseIsRefusedWithAReasonAndNothingSpentOrDecrypted() throws Exception {
        String ok = "{\"icd\":\"E11\",\"from\":202301,\"to\":202406}";
        QueryTemplate pending = QueryTemplate.parse(COUNT_T.replace("\"version\": 1", "\"version\": 2"));
        registry.submit(pending);
        QueryTemplate rejected = QueryTemplate.parse(COUNT_T.replace("\"version\": 1", "\"version\": 3"));
        registry.submit(rejected);
        registry.reject("count-by-age-sex", 3, "regulator-1");
        refused(
                Reason.TEMPLATE_NOT_APPROVED,
                req("count-by-age-sex", ok, "").replace("\"templateVersion\":1", "\"templateVersion\":2"));
        refused(
                Reason.TEMPLATE_NOT_APPROVED,
                req("count-by-age-sex", ok, "").replace("\"templateVersion\":1", "\"templateVersion\":3"));
        refused(Reason.UNKNOWN_TEMPLATE, req("no-such-template", ok, ""));
        refused(Reason.PURPOSE_MISMATCH, req("count-by-age-sex", ok, "").replace(PURPOSE, "marketing"));
        refused(Reason.UNKNOWN_FIELD, req("count-by-age-sex", ok, ",\"groupBy\":[\"hospital\"]"));
        refused(
                Reason.PARAMETER_INVALID,
                req("count-by-age-sex", "{\"icd\":\"E11\",\"from\":201912,\"to\":202406}", ""));
        refused(
                Reason.PARAMETER_INVALID,
                req("count-by-age-sex", "{\"icd\":\"E11.65\",\"from\":202301,\"to\":202406}", ""));
        refused(Reason.PARAMETER_INVALID, req("count-by-age-sex", "{\"icd\":\"E11\",\"from\":202301}", ""));
        refused(
                Reason.PARAMETER_INVALID,
                req("count-by-age-sex", "{\"icd\":\"E11\",\"from\":202301,\"to\":202406,\"x\":1}", ""));
        refused(Reason.PARAMETER_INVALID, req("count-by-age-sex", "{\"icd\":11,\"from\":202301,\"to\":202406}", ""));
        refused(
                Reason.PARAMETER_INVALID,
                req("count-by-age-sex", "{\"icd\":\"E11\",\"from\":202313,\"to\":202406}", ""));
        refused(Reason.EPSILON_INVALID, req("count-by-age-sex", ok, ",\"epsilon\":0"));
        refused(Reason.EPSILON_INVALID, req("count-by-age-sex", ok, ",\"epsilon\":-0.5"));
        refused(Reason.EPSILON_INVALID, req("count-by-age-sex", ok, ",\"epsilon\":\"NaN\""));
        refused(Reason.EPSILON_INVALID, req("count-by-age-sex", ok, ",\"epsilon\":2.5"));
        refused(Reason.EPSILON_INVALID, req("payment-ols", "{}", ",\"epsilon\":0.5"));
        refused(Reason.MALFORMED, "{\"templateId\":\"count-by-age-sex\"");
        refused(Reason.MALFORMED, req("count-by-age-sex", ok, ",\"insurerId\":\"dup\""));
        assertThrows(
                QueryRefusedException.class,
                () -> QueryRequest.of("count-by-age-sex", 1, "i", PURPOSE, Map.of(), Double.NaN));
        assertThrows(
                QueryRefusedException.class,
                () -> QueryRequest.of("count-by-age-sex", 1, "i", PURPOSE, Map.of(), Double.POSITIVE_INFINITY));
        assertTrue(data.keyRequests.isEmpty(), "nothing was decrypted");
        assertEquals(0, budget.spentMicros("insurer-1"), "nothing was spent");

        // over budget: 3.0 in total
        run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), 2.0);
        data.keyRequests.clear();
        refused(Reason.BUDGET_EXHAUSTED, req("count-by-age-sex", ok, ",\"epsilon\":1.5"));
        assertEquals(2_000_000, budget.spentMicros("insurer-1"));
        assertTrue(data.keyRequests.isEmpty(), "refused before decryption");
        run("count-by-age-sex", Map.of("icd", "E11", "from", 202301, "to", 202406), 1.0);
        assertEquals(3_000_000, budget.spentMicros("insurer-1"));

        // DP required but no epsilon
        QueryTemplate required = QueryTemplate.parse(
                MEAN_T.replace("mean-claim-by-hospital", "mean-required").replace("\"optional\"", "\"required\""));
        registry.submit(required);
        registry.approve("mean-required", 1, "regulator-1");
        refused(Reason.EPSILON_INVALID, req("mean-required", "{}", ""));

        // a withdrawn template stops running
        registry.withdraw("payment-ols", 1, "regulator-1");
        refused(Reason.TEMPLATE_NOT_APPROVED, req("payment-ols", "{}", ""));

        // a tampered chunk refuses the whole query
        EncryptedRecord r1 = records.get(0);
        byte[] wire = r1.chunks().get(0).toBytes();
        wire[wire.length - 1] ^= 1;
        records = new ArrayList<>(records);
        records.set(0, new EncryptedRecord(r1.recordId(), r1.hospitalId(), List.of(EncryptedChunk.parse(wire))));
        refused(Reason.INPUT_INVALID, req("count-by-age-sex", ok, ""));
    }

    @Test
    void invalidTemplatesAreRefused() {
        Map<String, Reason> bad = Map.ofEntries(
                Map.entry(COUNT_T.replace("\"groupBy\"", "\"orderBy\""), Reason.UNKNOWN_FIELD),
                Map.entry(COUNT_T.replace("\"count\"", "\"median\""), Reason.UNKNOWN_FIELD),
                Map.entry(COUNT_T.replace("\"$icd\"", "\"$nope\""), Reason.TEMPLATE_INVALID),
                Map.entry(COUNT_T.replace("\"$from\"", "\"$icd\""), Reason.TEMPLATE_INVALID),
                Map.entry(
                        COUNT_T.replace("[\"ageBand\", \"sex\"]", "[\"hospital\", \"ageBand\"]"),
                        Reason.TEMPLATE_INVALID),
                Map.entry(OLS_T.replace("\"none\"", "\"optional\""), Reason.TEMPLATE_INVALID),
                Map.entry(MEAN_T.replace("\"bounds\": [0, 1000000]", "\"bounds\": [5, 1]"), Reason.TEMPLATE_INVALID),
                Map.entry(MEAN_T.replace(", \"bounds\": [0, 1000000]", ""), Reason.MALFORMED),
                Map.entry(
                        MEAN_T.replace("\"maxRowsPerPatient\": 5", "\"maxRowsPerPatient\": 0"),
                        Reason.TEMPLATE_INVALID),
                Map.entry(LOGIT_T.replace("icd:E11", "claim"), Reason.TEMPLATE_INVALID),
                Map.entry("[1,2]", Reason.MALFORMED));
        for (Map.Entry<String, Reason> e : bad.entrySet()) {
            QueryRefusedException x =
                    assertThrows(QueryRefusedException.class, () -> QueryTemplate.parse(e.getKey()), e.getKey());
            assertEquals(e.getValue(), x.reason(), x.getMessage());
        }
        QueryRefusedException low = assertThrows(
                QueryRefusedException.class,
                () -> registry.submit(QueryTemplate.parse(MEAN_T.replace("mean-claim-by-hospital", "low-k")
                        .replace("\"optional\"", "\"optional\", \"minGroupSize\": 3"))));
        assertEquals(Reason.TEMPLATE_INVALID, low.reason());
        assertThrows(
                QueryRefusedException.class,
                () -> registry.submit(QueryTemplate.parse(COUNT_T)),
                "same id and version");
    }

    @Test
    void resultHashesAreCanonical() throws Exception {
        QueryRequest a =
                QueryRequest.parse(req("count-by-age-sex", "{\"icd\":\"E11\",\"from\":202301,\"to\":202406}", ""));
        QueryRequest b =
                QueryRequest.parse(req("count-by-age-sex", "{\"to\":202406,\"icd\":\"E11\",\"from\":202301}", ""));
        assertArrayEquals(a.parameterHash(), b.parameterHash());
        StatisticsResult r1 = engine.run(a, records, data.keyProvider());
        StatisticsResult r2 = engine.run(b, records, data.keyProvider());
        assertArrayEquals(r1.resultHash(), r2.resultHash(), "non-DP results are reproducible");
        assertFalse(Arrays.equals(
                QueryTemplate.parse(COUNT_T).hash(), QueryTemplate.parse(MEAN_T).hash()));
    }

    @Test
    void concurrentQueriesNeverOverspend() throws Exception {
        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            fs.add(pool.submit(() -> {
                try {
                    engine.run(
                            QueryRequest.of("mean-claim-by-hospital", 1, "insurer-c", PURPOSE, Map.of(), 0.5),
                            records,
                            data.keyProvider());
                    return true;
                } catch (QueryRefusedException e) {
                    assertEquals(Reason.BUDGET_EXHAUSTED, e.reason());
                    return false;
                }
            }));
        }
        int ok = 0;
        for (Future<Boolean> f : fs) {
            ok += f.get(120, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertEquals(6, ok, "3.0 / 0.5");
        assertEquals(3_000_000, budget.spentMicros("insurer-c"));
    }

    @Test
    void unsortedRowsAreRefused() throws Exception {
        RowAggregator agg = RowAggregator.create(QueryTemplate.parse(VAR_T), Map.of());
        byte[] buf = new byte[64];
        AnalyticsRow.of(5, 1, Sex.MALE, new int[0], 1, 1, 202401, 1).writeTo(buf, 0);
        AnalyticsRow.of(4, 1, Sex.MALE, new int[0], 1, 1, 202401, 1).writeTo(buf, 32);
        agg.startRecord();
        QueryRefusedException e = assertThrows(QueryRefusedException.class, () -> agg.consume(buf, 2));
        assertEquals(Reason.INPUT_INVALID, e.reason());
    }
}
