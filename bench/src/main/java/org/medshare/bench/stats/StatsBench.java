package org.medshare.bench.stats;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedChunk;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowChunkCodec;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.Sex;
import org.medshare.enclave.stats.QueryRefusedException;
import org.medshare.enclave.stats.QueryTemplate;
import org.medshare.enclave.stats.RowAggregator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Rows/s of the statistics engine's inner loop (RowChunkCodec.Decryptor + RowAggregator, exactly what
 * StatisticsEngine.run executes per chunk) for count, mean, histogram and OLS, over AES-256-GCM
 * encrypted 4096-row chunks (decryption included) and over the same rows in plaintext, in the same
 * run, with 2 threads. One operation = one row (scores are rows/s).
 *
 * <p>Data: 1,048,576 rows (256 chunks, 32 MiB), ~10 rows per patient (one hospital each), rows sorted by pseudonym as
 * the codec writes them; each query also collects distinct patients per group and applies the
 * per-patient contribution bound (so the figures include the privacy bookkeeping).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class StatsBench {
    static final int ROWS = 1 << 20;

    static final String COUNT = "{\"id\":\"b-count\",\"version\":1,\"purpose\":\"bench\","
            + "\"filter\":{\"serviceMonth\":{\"from\":202301,\"to\":202412}},\"groupBy\":[\"ageBand\",\"sex\"],"
            + "\"aggregate\":{\"type\":\"count\"},\"privacy\":{\"dp\":\"optional\",\"maxRowsPerPatient\":100}}";
    static final String MEAN = "{\"id\":\"b-mean\",\"version\":1,\"purpose\":\"bench\",\"groupBy\":[\"hospital\"],"
            + "\"aggregate\":{\"type\":\"mean\",\"field\":\"claim\",\"bounds\":[0,2000000]},"
            + "\"privacy\":{\"dp\":\"optional\",\"maxRowsPerPatient\":100}}";
    static final String HIST = "{\"id\":\"b-hist\",\"version\":1,\"purpose\":\"bench\",\"groupBy\":[\"sex\"],"
            + "\"aggregate\":{\"type\":\"histogram\",\"field\":\"payment\",\"bins\":{\"lower\":0,\"width\":50000,\"count\":32}},"
            + "\"privacy\":{\"dp\":\"optional\",\"maxRowsPerPatient\":100}}";
    static final String OLS = "{\"id\":\"b-ols\",\"version\":1,\"purpose\":\"bench\","
            + "\"aggregate\":{\"type\":\"ols\",\"y\":\"payment\",\"x\":[\"claim\",\"ageBand\"]},"
            + "\"privacy\":{\"dp\":\"none\",\"maxRowsPerPatient\":100}}";

    /** The data set, shared by all threads. */
    @State(Scope.Benchmark)
    public static class Data {
        SecretKey key;
        List<EncryptedChunk> chunks;
        List<byte[]> plain;
        int[] plainRows;
        QueryTemplate count;
        QueryTemplate mean;
        QueryTemplate hist;
        QueryTemplate ols;

        @Setup(Level.Trial)
        public void setUp() throws Exception {
            Random rnd = new Random(7);
            List<AnalyticsRow> rows = new ArrayList<>(ROWS);
            int[] codes = {Icd10.encode("E11.9"), Icd10.encode("I10"), Icd10.encode("J45.909"), Icd10.encode("C50.911")
            };
            while (rows.size() < ROWS) {
                long patient = rnd.nextLong();
                int band = rnd.nextInt(19);
                Sex sex = rnd.nextBoolean() ? Sex.FEMALE : Sex.MALE;
                int hospital = rnd.nextInt(8);
                int n = 1 + rnd.nextInt(19);
                for (int i = 0; i < n && rows.size() < ROWS; i++) {
                    int claim = rnd.nextInt(1_500_000);
                    rows.add(AnalyticsRow.of(
                            patient,
                            band,
                            sex,
                            new int[] {codes[rnd.nextInt(4)]},
                            claim,
                            (int) (0.7 * claim) + rnd.nextInt(10_000),
                            202301 + rnd.nextInt(12),
                            hospital));
                }
            }
            byte[] k = new byte[32];
            rnd.nextBytes(k);
            key = new SecretKeySpec(k, "AES");
            chunks = new RowChunkCodec(new SecureRandom()).encrypt("bench-record", rows, key);
            rows.sort(Comparator.comparingLong(AnalyticsRow::patientPseudonym));
            plain = new ArrayList<>();
            plainRows = new int[chunks.size()];
            for (int c = 0; c < chunks.size(); c++) {
                int from = c * RowChunkCodec.ROWS_PER_CHUNK;
                int n = Math.min(RowChunkCodec.ROWS_PER_CHUNK, rows.size() - from);
                byte[] b = new byte[n * RowLayout.ROW_BYTES];
                for (int i = 0; i < n; i++) {
                    rows.get(from + i).writeTo(b, i * RowLayout.ROW_BYTES);
                }
                plain.add(b);
                plainRows[c] = n;
            }
            count = QueryTemplate.parse(COUNT);
            mean = QueryTemplate.parse(MEAN);
            hist = QueryTemplate.parse(HIST);
            ols = QueryTemplate.parse(OLS);
        }
    }

    /** Per-thread decryptor and chunk buffer. */
    @State(Scope.Thread)
    public static class Worker {
        RowChunkCodec.Decryptor decryptor;
        byte[] buf = new byte[RowChunkCodec.CHUNK_BYTES];

        @Setup(Level.Trial)
        public void setUp(Data d) throws GeneralSecurityException {
            decryptor = new RowChunkCodec.Decryptor(d.key);
        }
    }

    static long encrypted(Data d, Worker w, QueryTemplate t) throws Exception {
        RowAggregator agg = RowAggregator.create(t, Map.of());
        agg.startRecord(true);
        int n = d.chunks.size();
        for (int i = 0; i < n; i++) {
            int rows = w.decryptor.decrypt("bench-record", i, n, d.chunks.get(i), w.buf);
            agg.consume(w.buf, rows);
        }
        agg.endRecord();
        return agg.rowsSeen();
    }

    static long plaintext(Data d, QueryTemplate t) throws QueryRefusedException {
        RowAggregator agg = RowAggregator.create(t, Map.of());
        agg.startRecord(true);
        for (int i = 0; i < d.plain.size(); i++) {
            agg.consume(d.plain.get(i), d.plainRows[i]);
        }
        agg.endRecord();
        return agg.rowsSeen();
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long countEncrypted(Data d, Worker w) throws Exception {
        return encrypted(d, w, d.count);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long countPlain(Data d) throws Exception {
        return plaintext(d, d.count);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long meanEncrypted(Data d, Worker w) throws Exception {
        return encrypted(d, w, d.mean);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long meanPlain(Data d) throws Exception {
        return plaintext(d, d.mean);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long histogramEncrypted(Data d, Worker w) throws Exception {
        return encrypted(d, w, d.hist);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long histogramPlain(Data d) throws Exception {
        return plaintext(d, d.hist);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long olsEncrypted(Data d, Worker w) throws Exception {
        return encrypted(d, w, d.ols);
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long olsPlain(Data d) throws Exception {
        return plaintext(d, d.ols);
    }
}
