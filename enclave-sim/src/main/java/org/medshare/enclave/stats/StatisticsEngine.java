package org.medshare.enclave.stats;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.enclave.rows.RowChunkCodec;
import org.medshare.enclave.rows.RowChunkCodec.Decryptor;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.stats.AggregateSpec.Bins;
import org.medshare.enclave.stats.AggregateSpec.Clamped;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.Histogram;
import org.medshare.enclave.stats.AggregateSpec.Logistic;
import org.medshare.enclave.stats.AggregateSpec.Ols;
import org.medshare.enclave.stats.AggregateSpec.Quantiles;
import org.medshare.enclave.stats.AggregateSpec.Regression;
import org.medshare.enclave.stats.QueryRefusedException.Reason;
import org.medshare.enclave.stats.QueryTemplate.DpMode;

/**
 * The insurer statistics engine that runs inside the enclave (QUERY.md describes the contract).
 *
 * <p>{@link #run} guarantees, in this order, before anything is decrypted: the template is approved
 * (else UNKNOWN_TEMPLATE / TEMPLATE_NOT_APPROVED); the request's purpose is the template's; ε is
 * present exactly when the template uses DP, finite, positive and at most the template's maximum;
 * parameters are declared, present and within bounds; the insurer's remaining budget covers ε.
 * Then records whose hospital's data-use rules do not allow the purpose and template are removed, and
 * so are records whose consent was revoked ({@link ConsentRegistry}) or whose patients' consent provisions
 * deny this query ({@link QueryConsent}), counted in the result's {@code consentExcludedRecords}; the hospitals whose records
 * remain may set their own limits ({@link DisclosureLimits}), and the most restrictive combination of theirs applies
 * (a larger k, a smaller row limit per patient; ε above one's maximum, no noise where one requires it, or an aggregate
 * or a disclosed field ({@link DisclosedField}) one does not allow is refused as HOSPITAL_LIMIT); only then are data keys requested and chunks decrypted and
 * aggregated in one pass ({@link RowAggregator}); a record whose decrypted rows name another hospital than the host
 * presented it as refuses the query (INPUT_INVALID). Groups with fewer than k distinct patients
 * (max of the engine's and the template's minimum) are suppressed, as are groups whose rows would differ
 * from an earlier release to the insurer in the rows of fewer than k patients ({@link DifferencingGuard}).
 * Inside a released group, every value without noise is backed by at least k distinct patients: histogram
 * bins, exact quantiles and regressions that fewer than k patients back are withheld and counted
 * ({@link Suppression#values()}). ε is
 * charged atomically ({@link PrivacyBudget#tryCharge}) only when a result is about to be released;
 * a refusal at that point spends nothing. DP noise uses {@link DiscreteSamplers} with the L1
 * (Laplace) or L2 (Gaussian) sensitivity implied by the per-patient contribution bound and the
 * clamping bounds ({@link Noise}); a DP least-squares fit is computed from its noisy sufficient statistics (every
 * Gram entry noised, {@link Gram}); beside each noisy value the group carries its accuracy (mechanism, noise scale and a
 * 95% confidence interval, {@link ValueAccuracy}, derived in {@link Accuracy}), inside the signed result.
 *
 * <p>Thread-safe: concurrent queries share the registries, the budget and the guard.
 */
public final class StatisticsEngine {
    /** Default minimum number of distinct patients per released group. */
    public static final int DEFAULT_MIN_GROUP_SIZE = 10;

    private final TemplateRegistry templates;
    private final DataUseRules dataUse;
    private final ConsentRegistry revocations;
    private final PrivacyBudget budget;
    private final DifferencingGuard guard;
    private final DiscreteSamplers samplers;
    /** Seeds the simulated noise of {@link NoisyFitBootstrap}, which releases nothing about the records. */
    private final SecureRandom simulationSeeds;

    private final int minGroupSize;

    /**
     * @param noise source of the DP noise
     * @param minGroupSize k, at least 2
     */
    public StatisticsEngine(
            TemplateRegistry templates,
            DataUseRules dataUse,
            ConsentRegistry consent,
            PrivacyBudget budget,
            SecureRandom noise,
            int minGroupSize) {
        if (minGroupSize < 2) {
            throw new IllegalArgumentException("minimum group size must be at least 2");
        }
        this.templates = templates;
        this.dataUse = dataUse;
        this.revocations = consent;
        this.budget = budget;
        this.guard = new DifferencingGuard(minGroupSize);
        this.samplers = new DiscreteSamplers(noise);
        this.simulationSeeds = noise;
        this.minGroupSize = minGroupSize;
    }

    /** The differencing guard (for inspection). */
    public DifferencingGuard guard() {
        return guard;
    }

    /**
     * Runs an approved query over encrypted records.
     *
     * @param records candidate records (the service selects them by coarse tags); at most one per id
     * @param keys supplies data keys; called only for records admitted by consent and data-use rules
     * @throws QueryRefusedException with the reason; nothing is spent or remembered on refusal
     */
    public StatisticsResult run(QueryRequest request, List<EncryptedRecord> records, RecordKeyProvider keys)
            throws QueryRefusedException {
        return run(request, records, QueryConsent.NONE, keys);
    }

    /**
     * Runs an approved query over encrypted records, dropping before any decryption the records that {@code
     * consent} denies as well as the revoked ones.
     *
     * @param records candidate records (the service selects them by coarse tags); at most one per id
     * @param consent the approval's consent decision; its digest is copied into the result
     * @param keys supplies data keys; called only for records admitted by consent and data-use rules
     * @throws QueryRefusedException with the reason; nothing is spent or remembered on refusal
     */
    public StatisticsResult run(
            QueryRequest request, List<EncryptedRecord> records, QueryConsent consent, RecordKeyProvider keys)
            throws QueryRefusedException {
        return run(request, records, consent, DisclosureLimits.NONE, keys);
    }

    /**
     * Runs an approved query over encrypted records under the hospitals' own {@code disclosure} limits as well: the
     * most restrictive combination of the limits of the hospitals whose records remain after consent and data-use
     * rules applies (the larger k, the smaller ε and rows per patient, noise if any of them requires it, only the
     * aggregates and disclosed fields all of them allow), checked before anything is decrypted.
     *
     * @param records candidate records (the service selects them by coarse tags); at most one per id
     * @param consent the approval's consent decision; its digest is copied into the result
     * @param disclosure the hospitals' own limits
     * @param keys supplies data keys; called only for records admitted by consent and data-use rules
     * @throws QueryRefusedException with the reason (HOSPITAL_LIMIT naming the hospital whose limit refuses it);
     *     nothing is spent or remembered on refusal
     */
    public StatisticsResult run(
            QueryRequest request,
            List<EncryptedRecord> records,
            QueryConsent consent,
            DisclosureLimits disclosure,
            RecordKeyProvider keys)
            throws QueryRefusedException {
        List<CandidateRecord> candidates = new ArrayList<>(records.size());
        Map<String, EncryptedRecord> byId = new HashMap<>();
        for (EncryptedRecord r : records) {
            candidates.add(new CandidateRecord(r.recordId(), r.hospitalId()));
            byId.put(r.recordId(), r);
        }
        QueryRun run = start(request, candidates, consent, disclosure);
        for (String recordId : run.admitted()) {
            run.add(byId.get(recordId), keys);
        }
        return run.finish();
    }

    /**
     * Starts a query whose records arrive one by one ({@link QueryRun}), so that memory does not grow with the size of
     * their ciphertext: every check {@link #run} makes before anything is decrypted is made here, over the candidates'
     * ids and hospitals alone.
     *
     * @param candidates the records the host would present, at most one per id
     * @throws QueryRefusedException with the reason; nothing is spent or remembered on refusal
     */
    public QueryRun start(
            QueryRequest request, List<CandidateRecord> candidates, QueryConsent consent, DisclosureLimits disclosure)
            throws QueryRefusedException {
        QueryTemplate t = templates.requireApproved(request.templateId(), request.templateVersion());
        if (!t.purpose().equals(request.purpose())) {
            throw new QueryRefusedException(
                    Reason.PURPOSE_MISMATCH,
                    "template " + t.id() + " serves purpose " + t.purpose() + ", not " + request.purpose());
        }
        DpMode dp = t.privacy().dp();
        long micros = 0;
        if (request.epsilon().isPresent()) {
            double eps = request.epsilon().getAsDouble();
            QueryRequest.checkEpsilon(eps);
            if (dp == DpMode.NONE) {
                throw new QueryRefusedException(
                        Reason.EPSILON_INVALID, "template " + t.id() + " does not use differential privacy");
            }
            if (eps > t.privacy().maxEpsilon()) {
                throw new QueryRefusedException(
                        Reason.EPSILON_INVALID,
                        "epsilon exceeds the template's maximum " + t.privacy().maxEpsilon());
            }
            micros = PrivacyBudget.toMicros(eps);
        } else if (dp == DpMode.REQUIRED) {
            throw new QueryRefusedException(Reason.EPSILON_INVALID, "template " + t.id() + " requires epsilon");
        }
        RowAggregator.create(t, request.parameters());
        if (micros > 0 && micros > budget.remainingMicros(request.insurerId())) {
            throw new QueryRefusedException(
                    Reason.BUDGET_EXHAUSTED,
                    "privacy budget of " + request.insurerId() + " cannot pay epsilon "
                            + request.epsilon().getAsDouble());
        }

        List<CandidateRecord> admitted = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        int consentExcluded = 0;
        for (CandidateRecord r : candidates) {
            if (!ids.add(r.recordId())) {
                throw new QueryRefusedException(Reason.INPUT_INVALID, "record " + r.recordId() + " given twice");
            }
            if (!dataUse.permits(r.hospitalId(), t.purpose(), t.id())) {
                continue;
            }
            if (revocations.isRevoked(r.recordId()) || consent.deniedRecords().contains(r.recordId())) {
                consentExcluded++;
            } else {
                admitted.add(r);
            }
        }
        admitted.sort(Comparator.comparing(CandidateRecord::recordId));
        SortedSet<Integer> touched = new TreeSet<>();
        admitted.forEach(r -> touched.add(r.hospitalId()));
        requireAllowedBy(disclosure, touched, micros, t);
        QueryTemplate restricted = t.restrictedTo(disclosure.strictest(touched));
        return new QueryRun(
                request,
                restricted,
                RowAggregator.create(restricted, request.parameters()),
                micros,
                admitted,
                consentExcluded,
                consent);
    }

    /**
     * One started query ({@link #start}): its admitted records are added in the order {@link #admitted()} gives, each
     * decrypted and aggregated as it arrives and then forgotten, and {@link #finish()} releases the result. Nothing is
     * spent or remembered before {@code finish}, so a run that is abandoned or refused costs nothing. Not thread-safe:
     * one caller at a time.
     */
    public final class QueryRun {
        private final QueryRequest request;
        private final QueryTemplate template;
        private final RowAggregator agg;
        private final long micros;
        private final List<CandidateRecord> admitted;
        private final int consentExcluded;
        private final QueryConsent consent;
        private final byte[] buf = new byte[RowChunkCodec.CHUNK_BYTES];
        private int next;
        private boolean failed;

        private QueryRun(
                QueryRequest request,
                QueryTemplate template,
                RowAggregator agg,
                long micros,
                List<CandidateRecord> admitted,
                int consentExcluded,
                QueryConsent consent) {
            this.request = request;
            this.template = template;
            this.agg = agg;
            this.micros = micros;
            this.admitted = List.copyOf(admitted);
            this.consentExcluded = consentExcluded;
            this.consent = consent;
        }

        /** The ids of the records to add, in the order they must be added (ascending id). */
        public List<String> admitted() {
            return admitted.stream().map(CandidateRecord::recordId).toList();
        }

        /** How many admitted records were added so far. */
        public int added() {
            return next;
        }

        /** Whether {@code records} are, in this order, the next admitted records, each presented as its hospital's. */
        public boolean areNext(List<CandidateRecord> records) {
            if (failed || records.size() > admitted.size() - next) {
                return false;
            }
            for (int i = 0; i < records.size(); i++) {
                if (!records.get(i).equals(admitted.get(next + i))) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Decrypts and aggregates the next admitted record.
         *
         * @param record the record {@link #admitted()} names next, presented as the same hospital's
         * @param keys supplies its data key
         * @throws QueryRefusedException INPUT_INVALID for another record than the next, or rows that cannot be
         *     decrypted and authenticated or that belong to another hospital; the run cannot go on after a refusal
         */
        public void add(EncryptedRecord record, RecordKeyProvider keys) throws QueryRefusedException {
            if (failed || next == admitted.size()) {
                throw new QueryRefusedException(Reason.INPUT_INVALID, "no further record is expected");
            }
            CandidateRecord expected = admitted.get(next);
            if (record == null
                    || !record.recordId().equals(expected.recordId())
                    || record.hospitalId() != expected.hospitalId()) {
                failed = true;
                throw new QueryRefusedException(
                        Reason.INPUT_INVALID,
                        "record " + expected.recordId() + " of hospital " + expected.hospitalId()
                                + " was expected next");
            }
            boolean ok = false;
            try {
                Decryptor d = new Decryptor(keys.dataKey(record.recordId()));
                agg.startRecord(record.recordId(), next == admitted.size() - 1);
                int n = record.chunks().size();
                for (int i = 0; i < n; i++) {
                    int rows =
                            d.decrypt(record.recordId(), i, n, record.chunks().get(i), buf);
                    requireRowsOf(record, buf, rows);
                    agg.consume(buf, rows);
                }
                agg.endRecord();
                ok = true;
            } catch (GeneralSecurityException e) {
                throw new QueryRefusedException(
                        Reason.INPUT_INVALID, "a record's rows could not be decrypted and authenticated");
            } finally {
                Arrays.fill(buf, (byte) 0);
                failed = !ok;
            }
            next++;
        }

        /**
         * Suppresses, charges the insurer's ε, adds the noise and returns the result.
         *
         * @throws QueryRefusedException INPUT_INVALID when not every admitted record was added, BUDGET_EXHAUSTED when
         *     the budget cannot pay ε any more; nothing is spent on refusal
         */
        public StatisticsResult finish() throws QueryRefusedException {
            if (failed || next != admitted.size()) {
                throw new QueryRefusedException(
                        Reason.INPUT_INVALID, (admitted.size() - next) + " admitted records were not presented");
            }
            failed = true;
            return release(request, template, agg, micros, admitted(), consentExcluded, consent);
        }
    }

    private StatisticsResult release(
            QueryRequest request,
            QueryTemplate t,
            RowAggregator agg,
            long micros,
            List<String> inputIds,
            int consentExcluded,
            QueryConsent consent)
            throws QueryRefusedException {
        int k = Math.max(minGroupSize, t.privacy().minGroupSize());
        int smallGroups = 0;
        int differencing = 0;
        List<Integer> candidates = new ArrayList<>();
        for (int g = 0; g < agg.groupCount(); g++) {
            if (agg.count[g] == 0) {
                continue;
            }
            if (agg.distinctPatients(g).length < k) {
                smallGroups++;
            } else {
                candidates.add(g);
            }
        }
        List<Integer> released = new ArrayList<>();
        synchronized (guard.lock(request.insurerId())) {
            List<DifferencingGuard.Released> sets = new ArrayList<>();
            for (int g : candidates) {
                long[] s = agg.distinctPatients(g);
                long[] f = agg.rowPrints(g);
                if (guard.isolates(request.insurerId(), s, f)) {
                    differencing++;
                } else {
                    released.add(g);
                    sets.add(new DifferencingGuard.Released(s, f));
                }
            }
            if (micros > 0 && !budget.tryCharge(request.insurerId(), micros)) {
                throw new QueryRefusedException(
                        Reason.BUDGET_EXHAUSTED,
                        "privacy budget of " + request.insurerId() + " cannot pay epsilon "
                                + request.epsilon().getAsDouble());
            }
            guard.record(request.insurerId(), sets);
        }

        List<GroupResult> out = new ArrayList<>();
        int[] withheld = new int[1];
        for (int g : released) {
            TreeMap<String, ValueAccuracy> accuracy = new TreeMap<>();
            TreeMap<String, Double> values = values(agg, g, t, micros, k, withheld, accuracy);
            out.add(new GroupResult(agg.groupKey(g), values, accuracy));
        }
        String mech = micros == 0 ? "none" : Noise.nameOf(t.privacy().mechanism());
        double delta = micros == 0 ? 0 : t.privacy().delta();
        HexFormat hex = HexFormat.of();
        return new StatisticsResult(
                t.id(),
                t.version(),
                t.hashHex(),
                hex.formatHex(request.parameterHash()),
                request.insurerId(),
                t.purpose(),
                inputIds.size(),
                hex.formatHex(MerkleTree.rootOf(inputIds)),
                micros,
                delta,
                mech,
                new Suppression(smallGroups, differencing, withheld[0]),
                consentExcluded,
                consent.digestHex(),
                out);
    }

    // ---- release: noise and final statistics -------------------------------------------------------

    /**
     * The released values of group {@code g}, and into {@code accuracy} the accuracy of each noisy or noise-derived
     * one ({@link ValueAccuracy}). Without noise ({@code micros == 0}) a value that fewer than {@code k}
     * distinct patients back is withheld and counted in {@code withheld[0]}: a histogram bin with 1..k-1 patients, an
     * exact quantile (see {@link #quantiles}), and a regression whose 0/1 feature or outcome takes one of its values
     * for 1..k-1 patients (all its coefficients). With noise, bins and quantiles are released noisy, and a least-squares
     * fit comes from noisy sufficient statistics ({@link #noisyOls}); a logistic fit never has noise.
     *
     * <p>Accuracy: a noisy count, sum or bin gets {@code [value - h, value + h]} at {@link Accuracy#CONFIDENCE}; a mean
     * or variance an interval derived from its noisy parts ({@link Accuracy#ratio}, {@link Accuracy#variance}, each
     * part at the level the union bound needs); a quantile of the noisy histogram the bins it can lie in ({@link
     * Accuracy#quantile}); a noisy least-squares fit's coefficients an approximate one ({@link NoisyFitBootstrap}),
     * its r² none.
     */
    private TreeMap<String, Double> values(
            RowAggregator agg,
            int g,
            QueryTemplate t,
            long micros,
            int k,
            int[] withheld,
            TreeMap<String, ValueAccuracy> accuracy) {
        AggregateSpec a = t.aggregate();
        long lower = a instanceof Clamped c ? c.bounds().lower() : 0;
        long upper = a instanceof Clamped c ? c.bounds().upper() : 0;
        Map<String, Noise> base = baseNoise(t, micros);
        TreeMap<String, Double> v = new TreeMap<>();
        double alpha = Accuracy.ALPHA;
        switch (a.kind()) {
            case COUNT: {
                Noise noise = base.get(COUNT);
                double n = nonNegative(noisy(BigInteger.valueOf(agg.count[g]), noise));
                v.put("count", n);
                putNoisy(accuracy, "count", noise, n);
                break;
            }
            case SUM: {
                Noise noise = base.get(SUM);
                double s = noisy(BigInteger.valueOf(agg.sum[g]), noise);
                v.put("sum", s);
                putNoisy(accuracy, "sum", noise, s);
                break;
            }
            case MEAN: {
                Noise countNoise = base.get(COUNT);
                Noise sumNoise = base.get(SUM);
                double n = Math.max(1, noisy(BigInteger.valueOf(agg.count[g]), countNoise));
                double s = noisy(BigInteger.valueOf(agg.sum[g]), sumNoise);
                v.put("count", n);
                v.put("sum", s);
                v.put("mean", clampTo(s / n, lower, upper));
                if (micros > 0) {
                    putNoisy(accuracy, "count", countNoise, n);
                    putNoisy(accuracy, "sum", sumNoise, s);
                    accuracy.put(
                            "mean",
                            ValueAccuracy.derived(
                                    countNoise.mechanismName(),
                                    List.of("count", "sum"),
                                    Accuracy.mean(n, countNoise, s, sumNoise, alpha / 2, lower, upper)));
                }
                break;
            }
            case VARIANCE: {
                Noise countNoise = base.get(COUNT);
                Noise sumNoise = base.get(SUM);
                Noise squaresNoise = base.get(SUM_OF_SQUARES);
                double n = Math.max(1, noisy(BigInteger.valueOf(agg.count[g]), countNoise));
                double s = noisy(BigInteger.valueOf(agg.sum[g]), sumNoise);
                BigInteger sq = new BigDecimal(agg.sumSq[g])
                        .setScale(0, RoundingMode.HALF_EVEN)
                        .toBigInteger();
                double q = noisy(sq, squaresNoise);
                double mean = clampTo(s / n, lower, upper);
                v.put("count", n);
                v.put("mean", mean);
                v.put("variance", Math.max(0, q / n - mean * mean));
                if (micros > 0) {
                    putNoisy(accuracy, "count", countNoise, n);
                    String mech = countNoise.mechanismName();
                    accuracy.put(
                            "mean",
                            ValueAccuracy.derived(
                                    mech,
                                    List.of("count", "sum"),
                                    Accuracy.mean(n, countNoise, s, sumNoise, alpha / 2, lower, upper)));
                    double hn = countNoise.halfWidth(alpha / 3);
                    double hq = squaresNoise.halfWidth(alpha / 3);
                    Accuracy.Interval m3 = Accuracy.mean(n, countNoise, s, sumNoise, alpha / 3, lower, upper);
                    accuracy.put(
                            "variance",
                            ValueAccuracy.derived(
                                    mech,
                                    List.of("count", "sum", "sumOfSquares"),
                                    Accuracy.variance(q - hq, q + hq, n - hn, n + hn, m3, lower, upper)));
                }
                break;
            }
            case HISTOGRAM: {
                int bins = ((Histogram) a).bins().count();
                Noise noise = base.get(BIN);
                double h = noise == null ? 0 : noise.halfWidth(alpha);
                for (int b = 0; b < bins; b++) {
                    int patients = agg.binPatients(g, b);
                    if (micros == 0 && patients > 0 && patients < k) {
                        withheld[0]++;
                        continue;
                    }
                    double count = nonNegative(noisy(BigInteger.valueOf(agg.hist[g * bins + b]), noise));
                    v.put(binName(b), count);
                    if (noise != null) {
                        accuracy.put(binName(b), ValueAccuracy.noisy(noise, h, count));
                    }
                }
                break;
            }
            case QUANTILES:
                quantiles(agg, g, (Quantiles) a, micros, t, v, k, withheld, accuracy);
                break;
            case OLS:
                if (micros > 0) {
                    noisyOls(agg, g, (Ols) a, base, v, accuracy);
                } else if (!withholdRegression(agg, g, (Regression) a, k, v, withheld)) {
                    Regressions.ols(Regressions.gram(agg, g), agg.regressionDimension(), (Regression) a, false, v);
                }
                break;
            case LOGISTIC:
                if (!withholdRegression(agg, g, (Regression) a, k, v, withheld)) {
                    Regressions.logistic(agg, g, (Logistic) a, v);
                }
                break;
            default:
                throw new IllegalStateException("no release for " + a.kind());
        }
        return v;
    }

    /**
     * A differentially private OLS fit from noisy sufficient statistics: every Gram entry of the group ({@link Gram})
     * gets its own noise ({@link #baseNoise}), the fit is post-processing of them. Released: {@code n} (entry (0,0),
     * clamped up to 1) with its exact interval, the coefficients with {@link NoisyFitBootstrap} intervals, and r²
     * (clamped into [0, 1]) without one: a ratio of differences of large noisy sums, too far from linear in them for
     * the bootstrap (it covered an exact r² of 0.9 in about 40% of runs in testing). Or {@code n} and {@code singular
     * = 1} when the noisy XᵀX is not positive definite.
     */
    private void noisyOls(
            RowAggregator agg,
            int g,
            Ols a,
            Map<String, Noise> base,
            TreeMap<String, Double> v,
            TreeMap<String, ValueAccuracy> accuracy) {
        int p = agg.regressionDimension();
        int size = Gram.size(p);
        double[] s = new double[size];
        Noise[] noise = new Noise[size];
        for (int i = 0; i <= p; i++) {
            for (int j = i; j <= p; j++) {
                int e = Gram.index(i, j, p);
                noise[e] = base.get(Gram.name(i, j, p));
                s[e] = noisy(agg.gram.get(g * size + e), noise[e]);
            }
        }
        s[0] = Math.max(1, s[0]);
        Regressions.ols(s, p, a, true, v);
        putNoisy(accuracy, "n", noise[0], s[0]);
        if (v.containsKey("singular")) {
            return;
        }
        List<String> coefficients = new ArrayList<>(List.of("beta[intercept]"));
        a.x().forEach(f -> coefficients.add("beta[" + f.name() + "]"));
        String mechanism = noise[0].mechanismName();
        List<String> from = List.of("xtx", "xty", "yty");
        Accuracy.Interval[] intervals = NoisyFitBootstrap.intervals(
                s,
                noise,
                x -> Regressions.olsFit(x, p, true),
                Accuracy.ALPHA,
                new SplittableRandom(simulationSeeds.nextLong()));
        for (int k = 0; k < p; k++) {
            accuracy.put(
                    coefficients.get(k),
                    intervals == null
                            ? ValueAccuracy.notProvided(mechanism, from)
                            : ValueAccuracy.simulated(mechanism, from, intervals[k]));
        }
        accuracy.put("r2", ValueAccuracy.notProvided(mechanism, from));
    }

    /** Records {@code [value - h, value + h]} for a value with {@code noise}; nothing when there is no noise. */
    private static void putNoisy(TreeMap<String, ValueAccuracy> accuracy, String name, Noise noise, double value) {
        if (noise != null) {
            accuracy.put(name, ValueAccuracy.noisy(noise, noise.halfWidth(Accuracy.ALPHA), value));
        }
    }

    static String binName(int b) {
        return String.format(Locale.ROOT, "bin[%04d]", b);
    }

    static String quantileName(double p) {
        return "q[" + p + "]";
    }

    /**
     * A regression whose 0/1 feature or outcome singles out fewer than k patients in the group releases only its
     * row count and {@code withheld = 1}; its coefficients are counted in {@code withheld[0]}.
     */
    private static boolean withholdRegression(
            RowAggregator agg, int g, Regression a, int k, TreeMap<String, Double> v, int[] withheld) {
        if (!agg.regressionSinglesOut(g, k)) {
            return false;
        }
        v.put("n", (double) agg.count[g]);
        v.put("withheld", 1.0);
        withheld[0] += a.x().size() + 1;
        return true;
    }

    /**
     * Quantiles. With noise they come from the noisy histogram. Without noise the nearest-rank value is released
     * only when at least k distinct patients of the group hold exactly that value; otherwise, when the template
     * has bins, the midpoint of the value's bin if that bin holds at least k distinct patients; otherwise the
     * quantile is withheld (counted in {@code withheld[0]}). So no exact minimum, maximum or other order statistic
     * of fewer than k patients is released.
     */
    private void quantiles(
            RowAggregator agg,
            int g,
            Quantiles a,
            long micros,
            QueryTemplate t,
            TreeMap<String, Double> v,
            int k,
            int[] withheld,
            TreeMap<String, ValueAccuracy> accuracy) {
        if (micros == 0) {
            long[] sorted = agg.values[g].toArray();
            Arrays.sort(sorted);
            Bins bins = a.bins().orElse(null);
            for (double p : a.probabilities()) {
                int idx = (int) Math.ceil(p * sorted.length) - 1;
                long value = sorted[Math.max(0, idx)];
                if (agg.patientsWithValue(g, value) >= k) {
                    v.put(quantileName(p), (double) value);
                } else if (bins != null && agg.binPatients(g, agg.binOf(value)) >= k) {
                    double mid = bins.lower() + (agg.binOf(value) + 0.5) * bins.width();
                    v.put(
                            quantileName(p),
                            clampTo(mid, a.bounds().lower(), a.bounds().upper()));
                } else {
                    withheld[0]++;
                }
            }
            return;
        }
        Bins fixed = a.bins().orElseThrow();
        int bins = fixed.count();
        double[] h = new double[bins];
        double total = 0;
        double[] unclamped = new double[bins];
        Noise noise = baseNoise(t, micros).get(BIN);
        for (int b = 0; b < bins; b++) {
            unclamped[b] = noisy(BigInteger.valueOf(agg.hist[g * bins + b]), noise);
            h[b] = nonNegative(unclamped[b]);
            total += h[b];
        }
        double[] sumBound = noise.sumHalfWidths(bins, Accuracy.ALPHA / (2 * bins));
        for (double p : a.probabilities()) {
            double target = p * total;
            double cum = 0;
            int b = 0;
            for (; b < bins - 1; b++) {
                cum += h[b];
                if (cum >= target) {
                    break;
                }
            }
            double mid = fixed.lower() + (b + 0.5) * fixed.width();
            v.put(quantileName(p), clampTo(mid, a.bounds().lower(), a.bounds().upper()));
            accuracy.put(
                    quantileName(p),
                    ValueAccuracy.derived(
                            noise.mechanismName(),
                            List.of("histogram"),
                            Accuracy.quantile(
                                    unclamped,
                                    sumBound,
                                    p,
                                    fixed.lower(),
                                    fixed.width(),
                                    a.bounds().lower(),
                                    a.bounds().upper())));
        }
    }

    private static double clampTo(double x, double lo, double hi) {
        return Math.max(lo, Math.min(hi, x));
    }

    private static double nonNegative(double x) {
        return Math.max(0, x);
    }

    private static final String COUNT = "count";
    private static final String SUM = "sum";
    private static final String SUM_OF_SQUARES = "sumOfSquares";
    private static final String BIN = "bin";

    /**
     * The noise of each noised base value a group of {@code t}'s aggregate releases at micro-ε {@code micros}, by
     * name: {@code count}, {@code sum} and {@code sumOfSquares} (sharing ε equally where an aggregate releases
     * several), or {@code bin} for every bin of a histogram (the bins of one group are disjoint, so each gets the
     * whole ε), or each Gram entry of a least-squares fit ({@link #gramNoise}); empty without noise ({@code micros ==
     * 0}) and for a logistic fit, which never has noise. The sensitivity of a count is the rows one patient may
     * contribute (l), of a sum l·upper, of a sum of squares l·upper².
     */
    private static Map<String, Noise> baseNoise(QueryTemplate t, long micros) {
        if (micros == 0) {
            return Map.of();
        }
        AggregateSpec a = t.aggregate();
        BigInteger l = BigInteger.valueOf(t.privacy().maxRowsPerPatient());
        BigInteger hi = BigInteger.valueOf(a instanceof Clamped c ? c.bounds().upper() : 0);
        return switch (a.kind()) {
            case COUNT -> Map.of(COUNT, noise(l, micros, 1, t));
            case SUM -> Map.of(SUM, noise(l.multiply(hi), micros, 1, t));
            case MEAN -> Map.of(COUNT, noise(l, micros, 2, t), SUM, noise(l.multiply(hi), micros, 2, t));
            case VARIANCE ->
                Map.of(
                        COUNT, noise(l, micros, 3, t),
                        SUM, noise(l.multiply(hi), micros, 3, t),
                        SUM_OF_SQUARES, noise(l.multiply(hi).multiply(hi), micros, 3, t));
            case HISTOGRAM, QUANTILES -> Map.of(BIN, noise(l, micros, 1, t));
            case OLS -> gramNoise((Ols) a, l, micros, t);
            case LOGISTIC -> Map.of();
        };
    }

    /**
     * The noise of each Gram entry of a DP OLS fit, by {@link Gram#name}: every feature is clamped into {@code [lower,
     * upper]} with {@code lower >= 0} (0/1 features into [0, 1], the intercept is 1), so one row adds between 0 and
     * {@code upper_a · upper_b} to entry (a, b), and one patient at most l times that: its sensitivity. The entries
     * share ε equally (basic composition over {@link Gram#size} values; for the Gaussian, as for the other aggregates,
     * the per-value σ also bounds the vector's L2 sensitivity).
     */
    private static Map<String, Noise> gramNoise(Ols a, BigInteger l, long micros, QueryTemplate t) {
        List<Feature> columns = new ArrayList<>(a.x());
        columns.add(a.y());
        int p = columns.size();
        BigInteger[] upper = new BigInteger[p + 1];
        upper[0] = BigInteger.ONE;
        for (int i = 0; i < p; i++) {
            upper[i + 1] = BigInteger.valueOf(a.boundsOf(columns.get(i))
                    .orElseThrow(() -> new IllegalStateException("a DP regression has bounds on every feature"))
                    .upper());
        }
        Map<String, Noise> out = new TreeMap<>();
        for (int i = 0; i <= p; i++) {
            for (int j = i; j <= p; j++) {
                out.put(Gram.name(i, j, p), noise(l.multiply(upper[i]).multiply(upper[j]), micros, Gram.size(p), t));
            }
        }
        return out;
    }

    /**
     * What a query of template {@code t} at micro-ε {@code micros} would release over the records of the hospitals
     * {@code touched}, before any record is read: the k and rows per patient in force after the hospitals' own
     * {@code disclosure} limits, and the noise of each base value, exactly as {@link #run} would apply them.
     *
     * @throws QueryRefusedException HOSPITAL_LIMIT when a hospital's limits refuse the query, as {@link #run} would
     */
    public static ReleasePlan plan(
            QueryTemplate t, long micros, DisclosureLimits disclosure, Collection<Integer> touched)
            throws QueryRefusedException {
        requireAllowedBy(disclosure, touched, micros, t);
        QueryTemplate restricted = t.restrictedTo(disclosure.strictest(touched));
        List<ReleasePlan.NoisedValue> noised = new ArrayList<>();
        new TreeMap<>(baseNoise(restricted, micros))
                .forEach((name, noise) -> noised.add(new ReleasePlan.NoisedValue(
                        name, noise.mechanismName(), noise.scale(), noise.halfWidth(Accuracy.ALPHA))));
        return new ReleasePlan(
                restricted.privacy().minGroupSize(), restricted.privacy().maxRowsPerPatient(), micros, noised);
    }

    /**
     * The noise of one of {@code parts} values sharing micro-ε {@code micros} ({@link Noise#of}); null when {@code
     * micros == 0} (no noise).
     */
    private static Noise noise(BigInteger sensitivity, long micros, int parts, QueryTemplate t) {
        return micros == 0
                ? null
                : Noise.of(
                        sensitivity,
                        micros,
                        parts,
                        t.privacy().delta(),
                        t.privacy().mechanism());
    }

    /** {@code value} plus one sample of {@code noise}; the value itself when {@code noise} is null. */
    private double noisy(BigInteger value, Noise noise) {
        if (noise == null) {
            return value.doubleValue();
        }
        return value.add(noise.sample(samplers)).doubleValue();
    }

    /**
     * Refuses the query when a decrypted row names another hospital than the one the host presented its record as.
     * Each row carries its hospital's number inside the authenticated encryption the hospital made, so a host that
     * relabels a record (to put it under another hospital's data-use rules) is caught here, however it built the
     * data-use map.
     */
    private static void requireRowsOf(EncryptedRecord r, byte[] buf, int rows) throws QueryRefusedException {
        for (int i = 0; i < rows; i++) {
            if (RowLayout.hospitalOf(RowLayout.packed(buf, i * RowLayout.ROW_BYTES)) != r.hospitalId()) {
                throw new QueryRefusedException(
                        Reason.INPUT_INVALID,
                        "record " + r.recordId() + " was presented as hospital " + r.hospitalId()
                                + "'s, but its rows are another hospital's");
            }
        }
    }

    /**
     * Refuses ({@code HOSPITAL_LIMIT}) when a hospital among {@code touched} allows less ε than {@code micros},
     * requires noise and the query has none, does not allow the template's aggregate, or does not allow a field the
     * template discloses ({@link DisclosedField#of}); the message names the hospital and what it does not allow.
     */
    private static void requireAllowedBy(
            DisclosureLimits disclosure, Collection<Integer> touched, long micros, QueryTemplate t)
            throws QueryRefusedException {
        AggregateSpec.Kind aggregate = t.aggregate().kind();
        Set<DisclosedField> fields = DisclosedField.of(t);
        for (int h : touched) {
            HospitalDisclosure own = disclosure.of(h).orElse(HospitalDisclosure.NONE);
            if (micros == 0 && own.noiseRequired()) {
                throw new QueryRefusedException(
                        Reason.HOSPITAL_LIMIT, h, "requires differential privacy for queries over its records");
            }
            if (micros > own.maxEpsilonMicros()) {
                throw new QueryRefusedException(
                        Reason.HOSPITAL_LIMIT,
                        h,
                        "allows at most epsilon "
                                + own.maxEpsilonMicros() / (double) PrivacyBudget.MICROS
                                + " per query over its records");
            }
            if (!own.allowedAggregates().allows(aggregate)) {
                throw new QueryRefusedException(
                        Reason.HOSPITAL_LIMIT,
                        h,
                        "does not allow the aggregate " + aggregate.jsonName() + " over its records");
            }
            for (DisclosedField f : fields) {
                if (!own.allowedFields().allows(f)) {
                    throw new QueryRefusedException(
                            Reason.HOSPITAL_LIMIT,
                            h,
                            "does not allow queries over its records to disclose the field " + f.jsonName());
                }
            }
        }
    }
}
