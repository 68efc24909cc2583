package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.medshare.enclave.rows.AgeBand;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.ServiceMonth;
import org.medshare.enclave.stats.QueryRefusedException.Reason;
import org.medshare.enclave.stats.QueryTemplate.Dimension;
import org.medshare.enclave.stats.QueryTemplate.FeatureKind;
import org.medshare.enclave.stats.QueryTemplate.Kind;
import org.medshare.enclave.stats.QueryTemplate.Term;

/**
 * The single-pass aggregation kernel of one query over rows in the {@link RowLayout} format, read in
 * place from a decrypted chunk buffer (no per-row object, no per-row hash lookup).
 *
 * <p>Per row: filters (hospital, age band, sex, month range, ICD-10 prefix in any slot), then the
 * per-patient contribution bound (at most {@code maxRowsPerPatient} matching rows per patient over
 * the whole query, the first ones in record-id then stored order), then the group index (mixed radix
 * over the group-by dimensions) and the aggregate's accumulators. Distinct patients per group are
 * collected once per (patient run, group). This relies on each record's rows being sorted by
 * pseudonym, as {@link org.medshare.enclave.rows.RowChunkCodec} writes them; a record whose rows are
 * not sorted is refused (INPUT_INVALID).
 *
 * <p>Usage: {@link #startRecord()}, {@link #consume} for each chunk in order, {@link #endRecord()}.
 * Not thread-safe: one aggregator per query (and per thread).
 */
public final class RowAggregator {
    private final QueryTemplate template;
    // filters
    private final boolean[] hospitals;
    private final int ageMin;
    private final int ageMax;
    private final int sexMask;
    private final boolean icdFilter;
    private final int icdLo;
    private final int icdHi;
    private final int monthLo;
    private final int monthHi;
    // aggregate
    private final int kind;
    private final int fieldOff;
    private final long lo;
    private final long hi;
    private final long binLower;
    private final long binWidth;
    private final int binCount;
    private final int maxRows;
    // group-by
    private final int[] dimKinds;
    private final int[] dimStrides;
    private final int groupCount;
    // regression
    private final int[] featKinds;
    private final int[] featLo;
    private final int[] featHi;
    private final int p;
    private final double[] xs;
    // accumulators
    final long[] count;
    final long[] sum;
    final double[] sumSq;
    final long[] hist;
    final double[] xtx;
    final double[] xty;
    final IntList[] values;
    final DoubleList[] design;
    private final LongList[] patients;
    private final int[] lastRecordOf;
    private final boolean[] fromSeveralRecords;
    private final long[][] distinct;
    private final int[] lastRun;
    // contribution tracking
    private final LongIntMap usedByPatient = new LongIntMap();
    private long curPatient;
    private boolean inRun;
    private boolean looked;
    private boolean lastRecord;
    private int recordNo;
    private int used;
    private int usedAtStart;
    private int runId;
    private long rowsSeen;

    private static final int K_COUNT = 0;
    private static final int K_SUM = 1;
    private static final int K_VAR = 2;
    private static final int K_HIST = 3;
    private static final int K_QUANT = 4;
    private static final int K_OLS = 5;
    private static final int K_LOGIT = 6;

    private RowAggregator(QueryTemplate t, Map<String, JsonNode> params) throws QueryRefusedException {
        this.template = t;
        Map<String, List<Term>> f = t.filter();
        // hospital filter
        if (f.containsKey("hospital")) {
            hospitals = new boolean[RowLayout.MAX_HOSPITAL + 1];
            for (Term term : f.get("hospital")) {
                hospitals[(int) resolve(term, params).asLong()] = true;
            }
        } else {
            hospitals = null;
        }
        int aMin = 0;
        int aMax = AgeBand.UNKNOWN;
        if (f.containsKey("ageBand")) {
            aMin = (int) resolve(f.get("ageBand").get(0), params).asLong();
            aMax = (int) resolve(f.get("ageBand").get(1), params).asLong();
            if (aMin > aMax) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "ageBand min is above max");
            }
        }
        int sm = 0xF;
        if (f.containsKey("sex")) {
            sm = 0;
            for (Term term : f.get("sex")) {
                sm |= 1 << org.medshare.enclave.rows.Sex.ofFhirCode(resolve(term, params).asText()).code();
            }
        }
        sexMask = sm;
        if (f.containsKey("icd10Prefix")) {
            String prefix = resolve(f.get("icd10Prefix").get(0), params).asText();
            icdFilter = true;
            icdLo = Icd10.prefixLow(prefix);
            icdHi = Icd10.prefixHigh(prefix);
        } else {
            icdFilter = false;
            icdLo = 0;
            icdHi = 0;
        }
        if (f.containsKey("serviceMonth")) {
            monthLo = ServiceMonth.indexOf((int) resolve(f.get("serviceMonth").get(0), params).asLong());
            monthHi = ServiceMonth.indexOf((int) resolve(f.get("serviceMonth").get(1), params).asLong());
            if (monthLo > monthHi) {
                throw new QueryRefusedException(Reason.PARAMETER_INVALID, "serviceMonth from is after to");
            }
        } else {
            monthLo = 0;
            monthHi = ServiceMonth.MAX_INDEX;
        }
        QueryTemplate.Aggregate a = t.aggregate();
        switch (a.kind()) {
            case COUNT: kind = K_COUNT; break;
            case SUM: case MEAN: kind = K_SUM; break;
            case VARIANCE: kind = K_VAR; break;
            case HISTOGRAM: kind = K_HIST; break;
            case QUANTILES: kind = K_QUANT; break;
            case OLS: kind = K_OLS; break;
            default: kind = K_LOGIT;
        }
        fieldOff = a.field() == null ? 0 : a.field().offset;
        lo = a.lower();
        hi = a.upper();
        binLower = a.bins() == null ? 0 : a.bins().lower();
        binWidth = a.bins() == null ? 1 : a.bins().width();
        binCount = a.bins() == null ? 0 : a.bins().count();
        maxRows = t.privacy().maxRowsPerPatient();

        List<Dimension> dims = t.groupBy();
        dimKinds = new int[dims.size()];
        dimStrides = new int[dims.size()];
        int stride = 1;
        for (int i = dims.size() - 1; i >= 0; i--) {
            dimKinds[i] = dims.get(i).ordinal();
            dimStrides[i] = stride;
            stride *= dims.get(i).domain;
        }
        groupCount = stride;

        boolean usesAge = false;
        if (a.kind() == Kind.OLS || a.kind() == Kind.LOGISTIC) {
            List<QueryTemplate.Feature> feats = new ArrayList<>(a.x());
            feats.add(a.y());
            featKinds = new int[feats.size()];
            featLo = new int[feats.size()];
            featHi = new int[feats.size()];
            for (int i = 0; i < feats.size(); i++) {
                featKinds[i] = feats.get(i).kind().ordinal();
                featLo[i] = feats.get(i).icdLow();
                featHi[i] = feats.get(i).icdHigh();
                usesAge |= feats.get(i).kind() == FeatureKind.AGE_BAND;
            }
            p = a.x().size() + 1;
        } else {
            featKinds = new int[0];
            featLo = new int[0];
            featHi = new int[0];
            p = 0;
        }
        ageMin = aMin;
        ageMax = usesAge ? Math.min(aMax, AgeBand.MAX_BAND) : aMax;
        xs = new double[p + 1];

        count = new long[groupCount];
        sum = kind == K_SUM || kind == K_VAR ? new long[groupCount] : null;
        sumSq = kind == K_VAR ? new double[groupCount] : null;
        hist = binCount > 0 ? new long[groupCount * binCount] : null;
        xtx = kind == K_OLS ? new double[groupCount * p * p] : null;
        xty = kind == K_OLS ? new double[groupCount * (p + 1)] : null;
        values = kind == K_QUANT ? new IntList[groupCount] : null;
        design = kind == K_LOGIT ? new DoubleList[groupCount] : null;
        patients = new LongList[groupCount];
        lastRecordOf = new int[groupCount];
        fromSeveralRecords = new boolean[groupCount];
        distinct = new long[groupCount][];
        lastRun = new int[groupCount];
    }

    /**
     * Binds the request's parameters to the template and creates the kernel.
     *
     * @throws QueryRefusedException PARAMETER_INVALID if a parameter is missing, undeclared or out of bounds
     */
    public static RowAggregator create(QueryTemplate t, Map<String, JsonNode> params) throws QueryRefusedException {
        t.checkParameters(params);
        return new RowAggregator(t, params);
    }

    private static JsonNode resolve(Term term, Map<String, JsonNode> params) {
        return term.literal() != null ? term.literal() : params.get(term.param());
    }

    /** Starts a record that is not the query's last: its rows must be sorted by pseudonym. */
    public void startRecord() {
        startRecord(false);
    }

    /**
     * Starts a record: its rows must be sorted by pseudonym. {@code lastRecord} says no record
     * follows, so per-patient contributions need not be remembered beyond it.
     */
    public void startRecord(boolean lastRecord) {
        flushRun();
        inRun = false;
        recordNo++;
        this.lastRecord = lastRecord;
    }

    /** Ends the current record. */
    public void endRecord() {
        flushRun();
        inRun = false;
    }

    private void flushRun() {
        if (inRun && looked && used != usedAtStart && !lastRecord) {
            usedByPatient.put(curPatient, used);
        }
    }

    /** Rows passed to {@link #consume} so far. */
    public long rowsSeen() {
        return rowsSeen;
    }

    /** Number of groups (the template's group-by domain). */
    public int groupCount() {
        return groupCount;
    }

    /**
     * Aggregates the first {@code rows} rows of {@code buf}.
     *
     * @throws QueryRefusedException INPUT_INVALID if the rows of the current record are not sorted by pseudonym
     */
    public void consume(byte[] buf, int rows) throws QueryRefusedException {
        rowsSeen += rows;
        final int end = rows * RowLayout.ROW_BYTES;
        for (int off = 0; off < end; off += RowLayout.ROW_BYTES) {
            long pat = RowLayout.patient(buf, off);
            if (!inRun || pat != curPatient) {
                if (inRun && pat < curPatient) {
                    throw new QueryRefusedException(Reason.INPUT_INVALID, "record rows are not sorted by pseudonym");
                }
                flushRun();
                curPatient = pat;
                inRun = true;
                looked = false;
                runId++;
            }
            int packed = RowLayout.packed(buf, off);
            if (hospitals != null && !hospitals[RowLayout.hospitalOf(packed)]) {
                continue;
            }
            int age = RowLayout.ageBandOf(packed);
            if (age < ageMin || age > ageMax) {
                continue;
            }
            if (((sexMask >>> RowLayout.sexOf(packed)) & 1) == 0) {
                continue;
            }
            int month = RowLayout.monthIndexOf(packed);
            if (month < monthLo || month > monthHi) {
                continue;
            }
            if (icdFilter && !hasIcd(buf, off, icdLo, icdHi)) {
                continue;
            }
            if (!looked) {
                used = usedByPatient.isEmpty() ? 0 : usedByPatient.get(pat);
                usedAtStart = used;
                looked = true;
            }
            if (used >= maxRows) {
                continue;
            }
            used++;
            int g = 0;
            for (int d = 0; d < dimKinds.length; d++) {
                g += dimStrides[d] * dimValue(dimKinds[d], packed);
            }
            if (lastRun[g] != runId) {
                lastRun[g] = runId;
                addPatient(g, pat);
            }
            count[g]++;
            switch (kind) {
                case K_COUNT:
                    break;
                case K_SUM:
                    sum[g] += clamp(RowLayout.intAt(buf, off + fieldOff));
                    break;
                case K_VAR: {
                    long v = clamp(RowLayout.intAt(buf, off + fieldOff));
                    sum[g] += v;
                    sumSq[g] += (double) v * v;
                    break;
                }
                case K_HIST:
                    hist[g * binCount + bin(RowLayout.intAt(buf, off + fieldOff))]++;
                    break;
                case K_QUANT: {
                    long v = clamp(RowLayout.intAt(buf, off + fieldOff));
                    if (values[g] == null) {
                        values[g] = new IntList();
                    }
                    values[g].add((int) v);
                    if (hist != null) {
                        hist[g * binCount + bin(v)]++;
                    }
                    break;
                }
                case K_OLS:
                    accumulateOls(g, buf, off, packed);
                    break;
                default:
                    collectLogistic(g, buf, off, packed);
            }
        }
    }

    private void addPatient(int g, long pat) {
        LongList s = patients[g];
        if (s == null) {
            s = new LongList();
            patients[g] = s;
        }
        s.add(pat);
        if (lastRecordOf[g] != recordNo) {
            fromSeveralRecords[g] |= lastRecordOf[g] != 0;
            lastRecordOf[g] = recordNo;
        }
    }

    /**
     * The distinct patients of group {@code g} in ascending order. Within one record the patients
     * were appended in ascending order, once per run, so only groups fed by several records need
     * sorting and de-duplication.
     */
    long[] distinctPatients(int g) {
        if (distinct[g] == null) {
            LongList s = patients[g];
            long[] a = s == null ? new long[0] : Arrays.copyOf(s.a, s.n);
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

    private static boolean hasIcd(byte[] buf, int off, int lo, int hi) {
        int c0 = RowLayout.icd(buf, off, 0);
        int c1 = RowLayout.icd(buf, off, 1);
        int c2 = RowLayout.icd(buf, off, 2);
        return (c0 >= lo && c0 <= hi) || (c1 >= lo && c1 <= hi) || (c2 >= lo && c2 <= hi);
    }

    private long clamp(long v) {
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private int bin(long v) {
        long b = Math.floorDiv(v - binLower, binWidth);
        return b < 0 ? 0 : (b >= binCount ? binCount - 1 : (int) b);
    }

    private static int dimValue(int dimKind, int packed) {
        switch (dimKind) {
            case 0: return RowLayout.ageBandOf(packed);
            case 1: return RowLayout.sexOf(packed);
            case 2: return RowLayout.hospitalOf(packed);
            case 3: return RowLayout.monthIndexOf(packed) / 12;
            default: return RowLayout.monthIndexOf(packed);
        }
    }

    private double feature(int i, byte[] buf, int off, int packed) {
        switch (featKinds[i]) {
            case 0: return RowLayout.claimCents(buf, off);
            case 1: return RowLayout.paymentCents(buf, off);
            case 2: return RowLayout.ageBandOf(packed);
            case 3: return RowLayout.sexOf(packed) == 1 ? 1 : 0;
            case 4: return RowLayout.sexOf(packed) == 2 ? 1 : 0;
            case 5: return RowLayout.monthIndexOf(packed);
            default: return hasIcd(buf, off, featLo[i], featHi[i]) ? 1 : 0;
        }
    }

    private void accumulateOls(int g, byte[] buf, int off, int packed) {
        final int pp = p;
        final double[] x = xs;
        x[0] = 1;
        for (int i = 1; i < pp; i++) {
            x[i] = feature(i - 1, buf, off, packed);
        }
        double y = feature(pp - 1, buf, off, packed);
        int base = g * pp * pp;
        for (int i = 0; i < pp; i++) {
            double xi = x[i];
            for (int j = i; j < pp; j++) {
                xtx[base + i * pp + j] += xi * x[j];
            }
            xty[g * (pp + 1) + i] += xi * y;
        }
        xty[g * (pp + 1) + pp] += y * y;
    }

    private void collectLogistic(int g, byte[] buf, int off, int packed) {
        DoubleList d = design[g];
        if (d == null) {
            d = new DoubleList();
            design[g] = d;
        }
        for (int i = 0; i < p; i++) {
            d.add(feature(i, buf, off, packed));
        }
    }

    /** Regression dimension (intercept + features). */
    int regressionDimension() {
        return p;
    }

    QueryTemplate template() {
        return template;
    }

    /** Group index to its key, dimension name to label. */
    java.util.SortedMap<String, String> groupKey(int g) {
        java.util.SortedMap<String, String> key = new java.util.TreeMap<>();
        List<Dimension> dims = template.groupBy();
        for (int d = 0; d < dims.size(); d++) {
            int v = (g / dimStrides[d]) % dims.get(d).domain;
            String label;
            switch (dims.get(d)) {
                case AGE_BAND: label = AgeBand.label(v); break;
                case SEX: label = org.medshare.enclave.rows.Sex.ofCode(v).fhirCode(); break;
                case SERVICE_YEAR: label = Integer.toString(1900 + v); break;
                case SERVICE_MONTH: label = Integer.toString(ServiceMonth.yyyymmOf(v)); break;
                default: label = Integer.toString(v);
            }
            key.put(dims.get(d).jsonName, label);
        }
        return key;
    }

    /** Growable int list. */
    static final class IntList {
        int[] a = new int[16];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }

    /** Growable long list. */
    static final class LongList {
        long[] a = new long[16];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }

    /** Growable double list. */
    static final class DoubleList {
        double[] a = new double[64];
        int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }
    }
}
