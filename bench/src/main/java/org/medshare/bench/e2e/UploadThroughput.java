package org.medshare.bench.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.SigningKeys;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.authority.TrustedAuthority;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.upload.HospitalKeys;
import org.medshare.client.upload.PreparedUpload;
import org.medshare.client.upload.UploadPreparer;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtractor;

/**
 * Upload throughput for 1-10 KB bundles against the packaged service (issue 8: at least 200 records/s end to
 * end, client encryption measured separately from server ingest), each figure beside a baseline measured in
 * the same run:
 * <ol>
 *   <li>client preparation on all cores ({@link UploadPreparer#prepare}: rows, one FAME encapsulation for the
 *       envelope and the rows, signature), baseline: the former preparation with two encapsulations;</li>
 *   <li>server ingest: posting those prepared uploads with several connections, baseline: the same number of
 *       authenticated {@code GET /api/v1/me} round trips;</li>
 *   <li>end to end: {@code medshare upload} (a separate JVM) of a folder of fresh bundles, baseline: the
 *       ingest rate of step 2 (the server's ceiling on this machine, where client and server share the cores).</li>
 * </ol>
 * Usage: {@code UploadThroughput SERVER REALM TRUST_FILE SAMPLES MEDSHARE_JAR WORK_DIR COUNT OUT_FILE [CONNECTIONS]}
 * (CONNECTIONS: concurrent uploads when posting and for {@code medshare upload --concurrency}, default 16).
 */
public final class UploadThroughput {
    static final String POLICY = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final double TARGET = 200;
    static final Pattern SUMMARY = Pattern.compile(
            "uploaded (\\d+), already uploaded (\\d+), refused (\\d+), not confirmed (\\d+) of (\\d+) bundles in ([0-9.]+) s");

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String realm = args[1];
        Path trust = Path.of(args[2]);
        Path samples = Path.of(args[3]);
        Path cliJar = Path.of(args[4]);
        Path work = Path.of(args[5]);
        int count = Integer.parseInt(args[6]);
        Path out = Path.of(args[7]);
        int threads = Runtime.getRuntime().availableProcessors();
        int connections = args.length > 8 ? Integer.parseInt(args[8]) : 16;
        StringBuilder report = new StringBuilder(Workload.header(
                "scripts/upload-bench.sh (" + UploadThroughput.class.getName() + " " + count + " records)"));

        Files.createDirectories(work);
        Path config = work.resolve("alice");
        Files.createDirectories(config);
        Path pseudonymFile = work.resolve("pseudonym.key");
        byte[] pk = new byte[32];
        new SecureRandom().nextBytes(pk);
        Files.write(pseudonymFile, pk);
        ServiceClient service = Workload.client(server, new Realm(realm, "alice"));
        HospitalKeys keys = HospitalKeys.open(config, service, pseudonymFile);
        PublicParameters params = TrustedAuthority.load(trust, config).parameters(service);
        Policy policy = Policy.parse(POLICY);
        UploadPreparer preparer =
                new UploadPreparer(keys, params, params.defaultSuite(), POLICY, policy, new TreeMap<>());

        String run = "tp" + Long.toString(System.currentTimeMillis(), 36);
        List<byte[]> bundles = Workload.bundles(samples.resolve("fhir"), run, count);
        double meanBytes = bundles.stream().mapToInt(b -> b.length).average().orElse(0);
        report.append(String.format(
                Locale.ROOT,
                "bundles: %d distinct one-encounter cuts of sample-data/fhir, %.0f bytes mean, %d max; policy %s%n",
                count,
                meanBytes,
                bundles.stream().mapToInt(b -> b.length).max().orElse(0),
                POLICY));
        report.append("threads: ")
                .append(threads)
                .append(" preparing, ")
                .append(connections)
                .append(" posting\n\n");

        for (byte[] warm : bundles.subList(0, Math.min(100, count))) {
            preparer.prepare(warm);
            formerPrepare(params, policy, keys, warm);
        }

        int baselineCount = Math.min(count, 400);
        double formerRate = timed(threads, baselineCount, i -> formerPrepare(params, policy, keys, bundles.get(i)));
        PreparedUpload[] prepared = new PreparedUpload[count];
        double prepareRate = timed(threads, count, i -> prepared[i] = preparer.prepare(bundles.get(i)));
        line(
                report,
                "client prepare (one encapsulation per record)",
                prepareRate,
                formerRate,
                "former preparation, two encapsulations per record, " + baselineCount + " records");

        List<Long> ingestLatency = Collections.synchronizedList(new ArrayList<>());
        double meRate = timed(connections, count, i -> service.get("/api/v1/me"));
        AtomicInteger created = new AtomicInteger();
        long cpuBefore = serviceCpuNanos();
        double ingestRate = timed(connections, count, i -> {
            long t0 = System.nanoTime();
            var answer = service.postMultipart("/api/v1/records", prepared[i].multipart())
                    .json();
            ingestLatency.add(System.nanoTime() - t0);
            if (answer.path("record").path("recordId").isMissingNode()
                    || answer.path("replayed").asBoolean()) {
                throw new IllegalStateException("upload " + i + " not created");
            }
            created.incrementAndGet();
            return answer;
        });
        if (created.get() != count) {
            throw new IllegalStateException(created.get() + " of " + count + " created");
        }
        line(
                report,
                "server ingest (POST /api/v1/records of prepared uploads)",
                ingestRate,
                meRate,
                "authenticated GET /api/v1/me round trips");
        report.append("  ingest latency: ")
                .append(Workload.latencies(ingestLatency))
                .append('\n');
        long cpuAfter = serviceCpuNanos();
        if (cpuBefore >= 0 && cpuAfter >= 0) {
            double perRecord = (cpuAfter - cpuBefore) / 1e6 / count;
            report.append(String.format(
                    Locale.ROOT,
                    "  service CPU time per ingested record: %.1f ms (user + system of the service JVM), so at most %.0f records/s"
                            + " on %d otherwise idle cores%n",
                    perRecord,
                    threads * 1000 / perRecord,
                    threads));
        }

        Path folder = work.resolve("bundles");
        Files.createDirectories(folder);
        List<byte[]> fresh = Workload.bundles(samples.resolve("fhir"), run + "e", count);
        for (int i = 0; i < count; i++) {
            Files.write(folder.resolve(String.format(Locale.ROOT, "b%05d.json", i)), fresh.get(i));
        }
        Path cliConfig = work.resolve("cli-alice");
        Files.createDirectories(cliConfig);
        Workload.cli(
                cliJar,
                cliConfig,
                "alice-password\n",
                "login",
                "--server",
                server,
                "--user",
                "alice",
                "--password-stdin");
        long t0 = System.nanoTime();
        String summary = Workload.cli(
                cliJar,
                cliConfig,
                null,
                "upload",
                "--no-progress",
                "--concurrency",
                Integer.toString(connections),
                "--pseudonym-key",
                pseudonymFile.toString(),
                "--authority-trust",
                trust.toString(),
                "--policy",
                POLICY,
                folder.toString());
        double wall = (System.nanoTime() - t0) / 1e9;
        Matcher m = SUMMARY.matcher(summary);
        if (!m.find() || Integer.parseInt(m.group(1)) != count) {
            throw new IllegalStateException("medshare upload did not upload every bundle: " + summary);
        }
        double inCommand = count / Double.parseDouble(m.group(6));
        line(
                report,
                "end to end, medshare upload (encrypt + send, as the command counts it)",
                inCommand,
                ingestRate,
                "server ingest above");
        line(
                report,
                "end to end, medshare upload including JVM start and login check",
                count / wall,
                ingestRate,
                "server ingest above");
        report.append("  medshare: ").append(summary.strip()).append('\n');

        int listed = service.getJson("/api/v1/records?limit=1").size();
        report.append(String.format(
                Locale.ROOT,
                "%nrecords stored: %d + %d uploaded, all answered 201 / counted by medshare (listing answers %s)%n",
                count,
                count,
                listed > 0 ? "yes" : "no"));
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.print(report);
    }

    /** User + system CPU time of the service process ({@code -Dmedshare.service.pid}, Linux), or -1. */
    static long serviceCpuNanos() {
        String pid = System.getProperty("medshare.service.pid");
        if (pid == null) {
            return -1;
        }
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return ticks * 10_000_000L;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Rows + two encapsulations (envelope and rows each their own) + signature: the preparation before issue 8's change. */
    static Object formerPrepare(PublicParameters params, Policy policy, HospitalKeys keys, byte[] bundle)
            throws Exception {
        String key = UploadPreparer.idempotencyKey(POLICY, bundle);
        List<AnalyticsRow> rows = RowExtractor.shared()
                .extract(new String(bundle, StandardCharsets.UTF_8), 1, PseudonymKey.of(new byte[32]));
        byte[] envelope = Envelope.encrypt(params, policy, params.defaultSuite(), bundle);
        byte[] sealed = EncryptedRows.seal(
                        UploadStatement.recordId(keys.organisation(), key),
                        rows,
                        params,
                        policy,
                        params.defaultSuite(),
                        new SecureRandom())
                .toBytes();
        return new UploadStatement(
                        keys.organisation(),
                        key,
                        POLICY,
                        UploadStatement.sha256(envelope),
                        UploadStatement.sha256(sealed),
                        new TreeMap<>())
                .sign(FORMER_SIGNER.getPrivate(), Suite.NIST);
    }

    private static final KeyPair FORMER_SIGNER;

    static {
        try {
            FORMER_SIGNER = SigningKeys.generate(Suite.NIST);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    interface Task {
        Object run(int i) throws Exception;
    }

    /** Runs tasks 0..n-1 on {@code threads} threads; records per second. */
    static double timed(int threads, int n, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long t0 = System.nanoTime();
        List<Future<?>> fs = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            fs.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    task.run(i);
                }
                return null;
            }));
        }
        for (Future<?> f : fs) {
            f.get();
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
        return rate;
    }

    static void line(StringBuilder report, String what, double rate, double baseline, String baselineWhat) {
        report.append(String.format(
                Locale.ROOT,
                "%s: %.1f records/s = %.2f x the 200/s target; baseline %.1f /s (%s) in the same run, ratio %.2f%n",
                what,
                rate,
                rate / TARGET,
                baseline,
                baselineWhat,
                rate / baseline));
    }
}
