package org.medshare.enclave.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import org.medshare.enclave.Sha256;
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
    /** Distinct patients per (group, bin) cell of a histogram or binned quantiles; null otherwise. */
    private final GroupPatients binPatients;
    /** Distinct patients per (group, binary feature, value 0 or 1) of a regression; null otherwise. */
    private final GroupPatients featurePatients;
    /** Indices into {@link #features} of the 0/1 features (outcome included). */
    private final int[] binaryFeatures;

    private final Kind kind;
    private final int fieldOffset;
    private final long lower;
    private final long upper;
    private final Bins bins;
    private final int binCount;
    private final int maxRows;
    private final Feature[] features;
    /** Per feature of {@link #features}: its clamping bounds (OLS), or the whole {@code int} range. */
    private final long[] featureLower;

    private final long[] featureUpper;
    private final int p;
    /** One row of the augmented design {@code [1, x, y]} ({@link Gram}). */
    private final long[] z;
    // accumulators, per group (histograms and normal equations: a block per group)
    final long[] count;
    final long[] sum;
    final double[] sumSq;
    final long[] hist;
    /** OLS: per group, the exact upper triangle of ZᵀZ in {@link Gram} order. */
    final ExactSums gram;

    final LongList[] values;
    /** For exact quantiles: the patient of each entry of {@link #values}. */
    final LongList[] valueOwners;

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
    // row fingerprints: a per-record salt from the record id and the row's position in the record
    private long recordSalt;
    private long rowOrdinal;
    private long anonymousRecords;

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
        this.z = new long[p + 1];
        this.featureLower = new long[features.length];
        this.featureUpper = new long[features.length];
        for (int i = 0; i < features.length; i++) {
            Optional<AggregateSpec.Bounds> b =
                    a instanceof AggregateSpec.Ols ols ? ols.boundsOf(features[i]) : Optional.empty();
            featureLower[i] = b.map(AggregateSpec.Bounds::lower).orElse((long) Integer.MIN_VALUE);
            featureUpper[i] = b.map(AggregateSpec.Bounds::upper).orElse((long) Integer.MAX_VALUE);
        }
        int nb = 0;
        int[] bi = new int[features.length];
        for (int i = 0; i < features.length; i++) {
            if (features[i].kind().binary()) {
                bi[nb++] = i;
            }
        }
        this.binaryFeatures = Arrays.copyOf(bi, nb);
        this.binPatients = binCount > 0 ? new GroupPatients(groupCount * binCount) : null;
        this.featurePatients = nb > 0 ? new GroupPatients(groupCount * nb * 2) : null;

        count = new long[groupCount];
        sum = kind == Kind.SUM || kind == Kind.MEAN || kind == Kind.VARIANCE ? new long[groupCount] : null;
        sumSq = kind == Kind.VARIANCE ? new double[groupCount] : null;
        hist = binCount > 0 ? new long[groupCount * binCount] : null;
        gram = kind == Kind.OLS ? new ExactSums(groupCount * Gram.size(p)) : null;
        values = kind == Kind.QUANTILES ? new LongList[groupCount] : null;
        valueOwners = kind == Kind.QUANTILES ? new LongList[groupCount] : null;
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
     * follows, so per-patient contributions need not be remembered beyond it. Without the record's id its rows'
     * fingerprints are not comparable with another query's (see {@link #startRecord(String, boolean)}).
     */
    public void startRecord(boolean lastRecord) {
        startRecordSalted(mix(0x5DEECE66DL * ++anonymousRecords), lastRecord);
    }

    /**
     * Starts record {@code recordId}: as {@link #startRecord(boolean)}, and each row's fingerprint is derived from the
     * record id and the row's position in the record, so the same row of the same record has the same fingerprint in
     * every query ({@link #rowPrints}).
     */
    public void startRecord(String recordId, boolean lastRecord) {
        byte[] h = Sha256.hash(recordId.getBytes(StandardCharsets.UTF_8));
        startRecordSalted(ByteBuffer.wrap(h).getLong(), lastRecord);
    }

    private void startRecordSalted(long salt, boolean lastRecord) {
        flushRun();
        inRun = false;
        patients.startRecord();
        if (binPatients != null) {
            binPatients.startRecord();
        }
        if (featurePatients != null) {
            featurePatients.startRecord();
        }
        this.lastRecord = lastRecord;
        this.recordSalt = salt;
        this.rowOrdinal = 0;
    }

    /** SplitMix64's finaliser: a bijection of 64-bit values that spreads neighbouring inputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
            long ordinal = rowOrdinal++;
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
                if (binPatients != null) {
                    binPatients.startRun();
                }
                if (featurePatients != null) {
                    featurePatients.startRun();
                }
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
            patients.add(g, pat, mix(recordSalt + ordinal * 0x9E3779B97F4A7C15L));
            count[g]++;
            accumulate(g, pat, buf, off, packed);
        }
    }

    private void accumulate(int g, long pat, byte[] buf, int off, int packed) {
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
            case HISTOGRAM: {
                int cell = g * binCount + bin(RowLayout.intAt(buf, off + fieldOffset));
                hist[cell]++;
                binPatients.add(cell, pat);
                break;
            }
            case QUANTILES: {
                long v = clamp(RowLayout.intAt(buf, off + fieldOffset));
                if (values[g] == null) {
                    values[g] = new LongList(16);
                }
                values[g].add(v);
                if (valueOwners[g] == null) {
                    valueOwners[g] = new LongList(16);
                }
                valueOwners[g].add(pat);
                if (hist != null) {
                    int cell = g * binCount + bin(v);
                    hist[cell]++;
                    binPatients.add(cell, pat);
                }
                break;
            }
            case OLS:
                accumulateOls(g, buf, off, packed);
                noteBinaryFeatures(g, pat, buf, off, packed);
                break;
            case LOGISTIC:
                collectLogistic(g, buf, off, packed);
                noteBinaryFeatures(g, pat, buf, off, packed);
                break;
            default:
                throw new IllegalStateException("no accumulator for " + kind);
        }
    }

    /** The distinct patients of group {@code g} in ascending order; call after the last row. */
    long[] distinctPatients(int g) {
        return patients.distinct(g);
    }

    /**
     * Per patient of {@link #distinctPatients}, in that order, the sum of the fingerprints of the rows the patient
     * contributed to group {@code g}: equal for two queries exactly when they used the same rows of that patient.
     */
    long[] rowPrints(int g) {
        return patients.rowPrints(g);
    }

    /** Distinct patients with a row in bin {@code b} of group {@code g} (histograms and binned quantiles). */
    int binPatients(int g, int b) {
        return binPatients.distinct(g * binCount + b).length;
    }

    /** Distinct patients whose rows in group {@code g} hold exactly {@code v} (exact quantiles). */
    int patientsWithValue(int g, long v) {
        LongList vs = values[g];
        Set<Long> owners = new HashSet<>();
        for (int i = 0; i < vs.size(); i++) {
            if (vs.get(i) == v) {
                owners.add(valueOwners[g].get(i));
            }
        }
        return owners.size();
    }

    /**
     * Whether a 0/1 feature of the regression (outcome included) takes one of its values in group {@code g} for
     * at least one and fewer than {@code k} distinct patients: such a coefficient would describe those few.
     */
    boolean regressionSinglesOut(int g, int k) {
        int nb = binaryFeatures.length;
        for (int j = 0; j < nb; j++) {
            for (int value = 0; value < 2; value++) {
                int n = featurePatients.distinct((g * nb + j) * 2 + value).length;
                if (n > 0 && n < k) {
                    return true;
                }
            }
        }
        return false;
    }

    private void noteBinaryFeatures(int g, long pat, byte[] buf, int off, int packed) {
        int nb = binaryFeatures.length;
        for (int j = 0; j < nb; j++) {
            int value = features[binaryFeatures[j]].valueIn(buf, off, packed) != 0 ? 1 : 0;
            featurePatients.add((g * nb + j) * 2 + value, pat);
        }
    }

    private long clamp(long v) {
        return v < lower ? lower : (v > upper ? upper : v);
    }

    /** The bin of value {@code v} (histograms and binned quantiles). */
    int binOf(long v) {
        return bin(v);
    }

    private int bin(long v) {
        long b = Math.floorDiv(v - bins.lower(), bins.width());
        return b < 0 ? 0 : (b >= binCount ? binCount - 1 : (int) b);
    }

    /** Adds the row's products to group {@code g}'s Gram entries, each feature clamped into its bounds. */
    private void accumulateOls(int g, byte[] buf, int off, int packed) {
        final long[] zr = z;
        zr[0] = 1;
        for (int i = 0; i < features.length; i++) {
            long v = features[i].valueIn(buf, off, packed);
            zr[i + 1] = v < featureLower[i] ? featureLower[i] : (v > featureUpper[i] ? featureUpper[i] : v);
        }
        int e = g * Gram.size(p);
        for (int a = 0; a <= p; a++) {
            long za = zr[a];
            for (int b = a; b <= p; b++) {
                gram.add(e++, za * zr[b]);
            }
        }
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
