package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import org.medshare.enclave.rows.RowChunkCodec;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.stats.AggregateSpec.Bins;
import org.medshare.enclave.stats.AggregateSpec.Feature;
import org.medshare.enclave.stats.AggregateSpec.Kind;
import org.medshare.enclave.stats.QueryRefusedException.Reason;

/**
 * The single-pass aggregation kernel of one query over rows in the {@link RowLayout} format, read in
 * place from a decrypted chunk buffer (no per-row object, no per-row hash lookup).
 *
 * <p>Per row: the compiled filter ({@link RowFilter}), then the per-patient contribution bound (at
 * most {@code maxRowsPerPatient} matching rows per patient over the whole query, the first ones in
 * record-id then stored order), then the group ({@link GroupIndex}), the group's distinct patients
 * ({@link GroupPatients}) and the aggregate's accumulators. This relies on each record's rows being
 * sorted by pseudonym, as {@link RowChunkCodec} writes them; a record whose rows are not sorted is
 * refused (INPUT_INVALID).
 *
 * <p>Usage: {@link #startRecord()}, {@link #consume} for each chunk in order, {@link #endRecord()}.
 * Not thread-safe: one aggregator per query (and per thread).
 */
public final class RowAggregator {
    private final QueryTemplate template;
    private final RowFilter filter;
    private final GroupIndex groups;
    private final GroupPatients patients;
    private final Kind kind;
    private final int fieldOffset;
    private final long lower;
    private final long upper;
    private final Bins bins;
    private final int binCount;
    private final int maxRows;
    private final Feature[] features;
    private final int p;
    private final double[] xs;
    // accumulators, per group (histograms and normal equations: a block per group)
    final long[] count;
    final long[] sum;
    final double[] sumSq;
    final long[] hist;
    final double[] xtx;
    final double[] xty;
    final LongList[] values;
    final LongList[] design;
    // contribution tracking
    private final LongIntMap usedByPatient = new LongIntMap();
    private long curPatient;
    private boolean inRun;
    private boolean looked;
    private boolean lastRecord;
    private int used;
    private int usedAtStart;
    private long rowsSeen;

    private RowAggregator(QueryTemplate t, Map<String, JsonNode> params) throws QueryRefusedException {
        this.template = t;
        this.filter = RowFilter.compile(t, params);
        this.groups = new GroupIndex(t.groupBy());
        int groupCount = groups.count();
        this.patients = new GroupPatients(groupCount);
        AggregateSpec a = t.aggregate();
        this.kind = a.kind();
        this.fieldOffset = a instanceof AggregateSpec.OverField f ? f.field().offset : 0;
        this.lower = a instanceof AggregateSpec.Clamped c ? c.bounds().lower() : 0;
        this.upper = a instanceof AggregateSpec.Clamped c ? c.bounds().upper() : 0;
        if (a instanceof AggregateSpec.Histogram h) {
            this.bins = h.bins();
        } else if (a instanceof AggregateSpec.Quantiles q) {
            this.bins = q.bins().orElse(null);
        } else {
            this.bins = null;
        }
        this.binCount = bins == null ? 0 : bins.count();
        this.maxRows = t.privacy().maxRowsPerPatient();
        if (a instanceof AggregateSpec.Regression r) {
            List<Feature> fs = new ArrayList<>(r.x());
            fs.add(r.y());
            this.features = fs.toArray(new Feature[0]);
            this.p = r.x().size() + 1;
        } else {
            this.features = new Feature[0];
            this.p = 0;
        }
        this.xs = new double[p + 1];

        count = new long[groupCount];
        sum = kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.VARIANCE ? new long[groupCount] : null;
        sumSq = kind == Kind.VARIANCE ? new double[groupCount] : null;
        hist = binCount > 0 ? new long[groupCount * binCount] : null;
        xtx = kind == Kind.OLS ? new double[groupCount * p * p] : null;
        xty = kind == Kind.OLS ? new double[groupCount * (p + 1)] : null;
        values = kind == Kind.QUANTILES ? new LongList[groupCount] : null;
        design = kind == Kind.LOGISTIC ? new LongList[groupCount] : null;
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
        patients.startRecord();
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
        return groups.count();
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
                patients.startRun();
            }
            int packed = RowLayout.packed(buf, off);
            if (!filter.accepts(buf, off, packed)) {
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
            int g = groups.indexOf(packed);
            patients.add(g, pat);
            count[g]++;
            accumulate(g, buf, off, packed);
        }
    }

    private void accumulate(int g, byte[] buf, int off, int packed) {
        switch (kind) {
            case COUNT:
                break;
            case SUM:
            case MEAN:
                sum[g] += clamp(RowLayout.intAt(buf, off + fieldOffset));
                break;
            case VARIANCE: {
                long v = clamp(RowLayout.intAt(buf, off + fieldOffset));
                sum[g] += v;
                sumSq[g] += (double) v * v;
                break;
            }
            case HISTOGRAM:
                hist[g * binCount + bin(RowLayout.intAt(buf, off + fieldOffset))]++;
                break;
            case QUANTILES: {
                long v = clamp(RowLayout.intAt(buf, off + fieldOffset));
                if (values[g] == null) {
                    values[g] = new LongList(16);
                }
                values[g].add(v);
                if (hist != null) {
                    hist[g * binCount + bin(v)]++;
                }
                break;
            }
            case OLS:
                accumulateOls(g, buf, off, packed);
                break;
            case LOGISTIC:
                collectLogistic(g, buf, off, packed);
                break;
            default:
                throw new IllegalStateException("no accumulator for " + kind);
        }
    }

    /** The distinct patients of group {@code g} in ascending order; call after the last row. */
    long[] distinctPatients(int g) {
        return patients.distinct(g);
    }

    private long clamp(long v) {
        return v < lower ? lower : (v > upper ? upper : v);
    }

    private int bin(long v) {
        long b = Math.floorDiv(v - bins.lower(), bins.width());
        return b < 0 ? 0 : (b >= binCount ? binCount - 1 : (int) b);
    }

    private void accumulateOls(int g, byte[] buf, int off, int packed) {
        final int pp = p;
        final double[] x = xs;
        x[0] = 1;
        for (int i = 1; i < pp; i++) {
            x[i] = features[i - 1].valueIn(buf, off, packed);
        }
        double y = features[pp - 1].valueIn(buf, off, packed);
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
        LongList d = design[g];
        if (d == null) {
            d = new LongList(64);
            design[g] = d;
        }
        for (int i = 0; i < p; i++) {
            d.add(features[i].valueIn(buf, off, packed));
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
    SortedMap<String, String> groupKey(int g) {
        return groups.key(g);
    }
}
