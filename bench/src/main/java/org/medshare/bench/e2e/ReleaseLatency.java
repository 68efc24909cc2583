package org.medshare.bench.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.medshare.client.http.HttpResult;
import org.medshare.client.http.ServiceClient;

/**
 * Releasing a 100 KB record to a clinician of another hospital, against the packaged service, each figure beside the
 * raw store read of the same releases:
 * <ol>
 *   <li>server side: the service's timer of a granted ciphertext request (consent and policy checks, the ACCESS
 *       event, the store read to the last byte), baseline: its timer of the store read alone, both from
 *       {@code /q/metrics} over the same requests;</li>
 *   <li>one {@code GET /api/v1/records/{id}/ciphertext?purpose=TREAT} as the clinician's program sees it (HTTP,
 *       token check, the above);</li>
 *   <li>{@code medshare records get} end to end (a separate JVM: statement and signature check, download, CID check,
 *       decryption, atomic output), beside {@code medshare --version} for the JVM's own start.</li>
 * </ol>
 * Setup through the packaged command line: bob (hospital-b) uploads the sample bundle closest to 100 KB under a
 * policy that shares it with the consortium's cardiologists and records the patient's consent for treatment at
 * hospital-a; alice (hospital-a, cardiology) gets her key from the authority and finds the record by the patient's
 * identifier. Usage: {@code ReleaseLatency SERVER REALM TRUST_FILE SAMPLES MEDSHARE_JAR WORK_DIR COUNT OUT_FILE EPOCH}.
 */
public final class ReleaseLatency {
    static final int TARGET_BYTES = 100 * 1024;
    static final int WARMUP = 50;
    static final int CLI_RUNS = 10;
    static final Pattern OPENED = Pattern.compile("(?m)^OK\\b.*$");

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String realm = args[1];
        Path trust = Path.of(args[2]);
        Path samples = Path.of(args[3]);
        Path cliJar = Path.of(args[4]);
        Path work = Path.of(args[5]);
        int count = Integer.parseInt(args[6]);
        Path out = Path.of(args[7]);
        String epoch = args[8];
        StringBuilder report = new StringBuilder(Workload.header(
                "scripts/release-bench.sh (" + ReleaseLatency.class.getName() + " " + count + " releases)"));

        Files.createDirectories(work);
        Path pseudonymKey = work.resolve("pseudonym.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(pseudonymKey, key);
        Path bundle = closestTo(samples.resolve("fhir/hospital-b"), TARGET_BYTES);
        String name = bundle.getFileName().toString();
        String patient =
                "https://github.com/synthetichealth/synthea|" + name.substring("patient-".length(), name.length() - 5);

        Path bob = login(cliJar, work, server, "bob");
        Workload.cli(
                cliJar,
                bob,
                null,
                "upload",
                "--no-progress",
                "--pseudonym-key",
                pseudonymKey.toString(),
                "--authority-trust",
                trust.toString(),
                "--policy",
                "org:hospital-b@" + epoch + " OR (dept:cardiology@" + epoch + " AND role:physician)",
                bundle.toString());
        Workload.cli(
                cliJar,
                bob,
                null,
                "consent",
                "permit",
                "--patient",
                patient,
                "--pseudonym-key",
                pseudonymKey.toString(),
                "--purpose",
                "TREAT",
                "--to",
                "hospital-a");
        Path alice = login(cliJar, work, server, "alice");
        Path aliceKey = work.resolve("alice.key");
        Workload.cli(
                cliJar,
                alice,
                null,
                "authority",
                "key",
                "--authority-trust",
                trust.toString(),
                "--out",
                aliceKey.toString());
        String found = Workload.cli(
                cliJar,
                alice,
                null,
                "records",
                "search",
                "--patient",
                patient,
                "--pseudonym-key",
                pseudonymKey.toString());
        String recordId = found.strip().split("\\s+")[0];
        if (!recordId.matches("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")) {
            throw new IllegalStateException("alice did not find the record: " + found);
        }

        ServiceClient service = Workload.client(server, new Realm(realm, "alice"));
        String path = "/api/v1/records/" + recordId + "/ciphertext?purpose=TREAT";
        int envelopeBytes = 0;
        for (int i = 0; i < WARMUP; i++) {
            envelopeBytes = released(service, path).body().length;
        }
        Metrics before = Metrics.scrape(server);
        List<Long> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long t0 = System.nanoTime();
            released(service, path);
            latencies.add(System.nanoTime() - t0);
        }
        Metrics after = Metrics.scrape(server);
        long releases = after.count(Metrics.RELEASE) - before.count(Metrics.RELEASE);
        if (releases != count || after.count(Metrics.READ) - before.count(Metrics.READ) != count) {
            throw new IllegalStateException("the service timed " + releases + " releases of " + count);
        }
        double releaseMs = (after.sum(Metrics.RELEASE) - before.sum(Metrics.RELEASE)) * 1e3 / count;
        double readMs = (after.sum(Metrics.READ) - before.sum(Metrics.READ)) * 1e3 / count;
        double httpMs = latencies.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6;

        List<Long> cliRuns = new ArrayList<>();
        List<Long> jvmRuns = new ArrayList<>();
        String opened = "";
        for (int i = 0; i < CLI_RUNS; i++) {
            long t0 = System.nanoTime();
            Workload.cli(cliJar, alice, null, "--version");
            jvmRuns.add(System.nanoTime() - t0);
            Path target = work.resolve("opened-" + i + ".json");
            t0 = System.nanoTime();
            String output = Workload.cli(
                    cliJar,
                    alice,
                    null,
                    "records",
                    "get",
                    recordId,
                    "--key",
                    aliceKey.toString(),
                    "--purpose",
                    "TREAT",
                    "--out",
                    target.toString());
            cliRuns.add(System.nanoTime() - t0);
            if (Files.mismatch(target, bundle) != -1) {
                throw new IllegalStateException("records get did not give back the uploaded bundle");
            }
            Files.delete(target);
            Matcher m = OPENED.matcher(output);
            opened = m.find() ? m.group() : output.strip();
        }
        double cliMs = cliRuns.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6;
        double jvmMs = jvmRuns.stream().mapToLong(Long::longValue).average().orElseThrow() / 1e6;

        report.append(String.format(
                Locale.ROOT,
                "record: %s (%d bytes), envelope %d bytes, owner hospital-b, released to alice (hospital-a) for TREAT%n"
                        + "%d releases measured after %d warm-up releases, one at a time%n%n",
                name,
                Files.size(bundle),
                envelopeBytes,
                count,
                WARMUP));
        line(report, "server side release (checks, ACCESS append, store read)", releaseMs, readMs, "store read alone");
        report.append("  the release without the store read: ")
                .append(String.format(Locale.ROOT, "%.2f ms%n", releaseMs - readMs));
        line(report, "GET ciphertext as the clinician's program sees it", httpMs, readMs, "store read alone");
        report.append("  latency: ").append(Workload.latencies(latencies)).append('\n');
        line(report, "medshare records get end to end (JVM start included)", cliMs, readMs, "store read alone");
        report.append(String.format(
                Locale.ROOT,
                "  medshare --version (JVM start alone) %.1f ms: records get adds %.1f ms; %d runs each%n  %s%n",
                jvmMs,
                cliMs - jvmMs,
                CLI_RUNS,
                opened));
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
        System.out.print(report);
    }

    private static void line(StringBuilder report, String what, double ms, double baselineMs, String baseline) {
        report.append(String.format(
                Locale.ROOT,
                "%s: %.2f ms mean; baseline %.2f ms (%s) in the same run, ratio %.1f%n",
                what,
                ms,
                baselineMs,
                baseline,
                ms / baselineMs));
    }

    private static HttpResult released(ServiceClient service, String path) throws Exception {
        HttpResult answer = service.get(path);
        if (answer.status() != 200) {
            throw new IllegalStateException("release answered " + answer.status() + ": " + answer.text());
        }
        return answer;
    }

    private static Path login(Path cliJar, Path work, String server, String user) throws Exception {
        Path config = work.resolve("cli-" + user);
        Files.createDirectories(config);
        Workload.cli(
                cliJar, config, user + "-password\n", "login", "--server", server, "--user", user, "--password-stdin");
        return config;
    }

    /** The sample bundle whose size is closest to {@code bytes}. */
    private static Path closestTo(Path folder, long bytes) throws Exception {
        try (var files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().startsWith("patient-"))
                    .min((x, y) -> Long.compare(distance(x, bytes), distance(y, bytes)))
                    .orElseThrow();
        }
    }

    private static long distance(Path file, long bytes) {
        try {
            return Math.abs(Files.size(file) - bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The two timers of the service's Prometheus page. */
    record Metrics(String page) {
        static final String RELEASE = "medshare_records_release_duration_seconds";
        static final String READ = "medshare_records_envelope_read_seconds";
        private static final HttpClient HTTP = HttpClient.newHttpClient();

        static Metrics scrape(String server) throws Exception {
            return new Metrics(HTTP.send(
                            HttpRequest.newBuilder(URI.create(server + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
        }

        long count(String timer) {
            return (long) value(timer + "_count");
        }

        double sum(String timer) {
            return value(timer + "_sum");
        }

        private double value(String series) {
            Matcher m = Pattern.compile("(?m)^" + series + "(?:\\{[^}]*\\})? ([0-9.eE+-]+)$")
                    .matcher(page);
            return m.find() ? Double.parseDouble(m.group(1)) : 0;
        }
    }
}
