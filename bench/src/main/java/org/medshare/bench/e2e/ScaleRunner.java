package org.medshare.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.bench.scale.SyntheticPopulation;
import org.medshare.client.authority.TrustedAuthority;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.party.PartyKeyFile;
import org.medshare.client.upload.HospitalKeys;
import org.medshare.client.upload.PreparedUpload;
import org.medshare.client.upload.UploadPreparer;

/**
 * One point of the scale curve: grows one service's data to {@code SIZE} records of a synthetic population
 * ({@link SyntheticPopulation}, seed 1, alternately hospital-a's and hospital-b's) and measures, at that size: the
 * server ingest rate and latency of the records added since the previous point (uploads prepared beforehand in
 * batches, {@code CONNECTIONS} at once, only the posting timed), beside the authenticated {@code GET /api/v1/me} rate
 * of the same moment; the latency of a count, a DP mean and a regression over every record (the insurer submits, the
 * regulator approves with its own key, which runs the enclave over all records); the service's heap after a full
 * collection ({@code jcmd}); and the bytes per record of each part of the data directory. It appends one block to
 * {@code OUT}. {@code scripts/scale-bench.sh} runs it once per size on one data directory and restarts the service in
 * between, which times the ledger's open.
 *
 * <p>Usage: {@code ScaleRunner SERVER REALM TRUST SAMPLES APPROVAL_KEY WORK SIZE OUT DATA_DIR SERVICE_PID
 * [CONNECTIONS]}; {@code WORK} keeps the hospitals' keys and how many records are in, across runs.
 */
public final class ScaleRunner {
    static final String[][] HOSPITALS = {{"alice", "hospital-a"}, {"bob", "hospital-b"}};
    static final int BATCH = 1000;
    static final String OLS_TEMPLATE = """
            {"id": "scale-payment-ols", "version": 1, "purpose": "insurance-stats",
             "description": "Payment regressed on claim and age band, every record (scale benchmark)",
             "aggregate": {"type": "ols", "y": "payment", "x": ["claim", "ageBand"]},
             "privacy": {"dp": "none", "maxRowsPerPatient": 1000}}
            """;
    private static final Duration APPROVAL_TIMEOUT = Duration.ofMinutes(30);
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private ScaleRunner() {}

    public static void main(String[] args) throws Exception {
        String server = args[0];
        String realm = args[1];
        Path trust = Path.of(args[2]);
        Path samples = Path.of(args[3]);
        KeyPair approvalKey = PartyKeyFile.read(Path.of(args[4]));
        Path work = Path.of(args[5]);
        long size = Long.parseLong(args[6]);
        Path out = Path.of(args[7]);
        Path data = Path.of(args[8]);
        long servicePid = Long.parseLong(args[9]);
        int connections = args.length > 10 ? Integer.parseInt(args[10]) : 16;
        int threads = Runtime.getRuntime().availableProcessors();

        Files.createDirectories(work);
        Path pseudonymFile = work.resolve("pseudonym.key");
        if (!Files.exists(pseudonymFile)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            Files.write(pseudonymFile, key);
        }
        List<ServiceClient> hospitals = new ArrayList<>();
        List<UploadPreparer> preparers = new ArrayList<>();
        for (String[] h : HOSPITALS) {
            ServiceClient client = Workload.client(server, new Realm(realm, h[0]));
            Path config = work.resolve(h[1]);
            Files.createDirectories(config);
            HospitalKeys keys = HospitalKeys.open(config, client, pseudonymFile);
            PublicParameters params = TrustedAuthority.load(trust, config).parameters(client);
            String policy = "org:" + h[1] + "@2026Q4 OR purpose:insurance-stats@2026Q4";
            hospitals.add(client);
            preparers.add(new UploadPreparer(
                    keys, params, params.defaultSuite(), policy, Policy.parse(policy), new TreeMap<>()));
            Workload.allowInsuranceStatistics(server, realm, h[0]);
        }
        ServiceClient irene = Workload.client(server, new Realm(realm, "irene"));
        ServiceClient rita = Workload.client(server, new Realm(realm, "rita"));
        // approving runs the query over every record within the request: minutes at 100,000 records
        ServiceClient regulator = new ServiceClient(URI.create(server), new Realm(realm, "rita"), APPROVAL_TIMEOUT);
        Map<String, byte[]> requests = prepareQueries(samples, irene, rita);

        Path progress = work.resolve("ingested");
        long have = Files.exists(progress)
                ? Long.parseLong(Files.readString(progress).strip())
                : 0;
        SyntheticPopulation population = SyntheticPopulation.of(samples.resolve("fhir"), 10 * 1024 - 64, 1, "scale");
        StringBuilder report =
                new StringBuilder(String.format(Locale.ROOT, "%n## %,d records (from %,d)%n%n", size, have));

        List<Long> latency = Collections.synchronizedList(new ArrayList<>());
        long postNanos = 0;
        long added = 0;
        while (have < size) {
            int n = (int) Math.min(BATCH, size - have);
            long first = have;
            PreparedUpload[] batch = new PreparedUpload[n];
            UploadThroughput.timed(threads, n, i -> {
                long index = first + i;
                batch[i] = preparers.get((int) (index % 2)).prepare(population.record(index));
                return null;
            });
            long t0 = System.nanoTime();
            UploadThroughput.timed(connections, n, i -> {
                long start = System.nanoTime();
                JsonNode answer = hospitals
                        .get((int) ((first + i) % 2))
                        .postMultipart("/api/v1/records", batch[i].multipart())
                        .json();
                latency.add(System.nanoTime() - start);
                if (answer.path("record").path("recordId").isMissingNode()
                        || answer.path("replayed").asBoolean()) {
                    throw new IllegalStateException("record " + (first + i) + " was not created");
                }
                return answer;
            });
            postNanos += System.nanoTime() - t0;
            have += n;
            added += n;
            Files.writeString(progress, Long.toString(have));
        }
        if (added > 0) {
            double rate = added / (postNanos / 1e9);
            double meRate = UploadThroughput.timed(
                    connections, 1000, i -> hospitals.get(0).get("/api/v1/me"));
            report.append(String.format(
                    Locale.ROOT,
                    "ingest of records %,d..%,d: %.1f records/s (%.2f× the %.0f authenticated GET /api/v1/me per s"
                            + " of the same moment); %s%n",
                    size - added,
                    size - 1,
                    rate,
                    rate / meRate,
                    meRate,
                    Workload.latencies(latency)));
        }
        flush(report, out);

        for (Map.Entry<String, byte[]> query : requests.entrySet()) {
            long t0 = System.nanoTime();
            String id = irene.postJson("/api/v1/queries", query.getValue())
                    .json()
                    .path("queryId")
                    .asText();
            JsonNode done = Workload.approve(regulator, id, approvalKey);
            double seconds = (System.nanoTime() - t0) / 1e9;
            report.append(String.format(
                    Locale.ROOT,
                    "%s over every record: %.2f s submit to result, %s, %s input records%n",
                    query.getKey(),
                    seconds,
                    done.path("status").asText(),
                    done.path("inputRecords").asText("?")));
            flush(report, out);
        }

        long heap = heapAfterGc(servicePid);
        report.append(String.format(
                Locale.ROOT,
                "service heap after a full GC: %s%n",
                heap < 0 ? "unknown (jcmd failed)" : String.format(Locale.ROOT, "%.1f MB", heap / 1e6)));
        report.append("bytes per record in the data directory:");
        for (Map.Entry<String, Long> part : bytesByPart(data).entrySet()) {
            report.append(String.format(
                    Locale.ROOT, " %s %.0f,", part.getKey(), part.getValue() / (double) Math.max(1, size)));
        }
        report.setLength(report.length() - 1);
        report.append('\n');
        flush(report, out);
    }

    /** Appends what {@code report} holds to {@code out} and prints it, so that a run cut short keeps what it measured. */
    private static void flush(StringBuilder report, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(
                out, report.toString(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        System.out.print(report);
        report.setLength(0);
    }

    /** count-by-sex (no noise), mean claim per hospital (ε 0.1) and the OLS template, each registered and approved. */
    static Map<String, byte[]> prepareQueries(Path samples, ServiceClient irene, ServiceClient rita)
            throws IOException, ServiceException {
        String listed = irene.getJson("/api/v1/templates").toString();
        Map<String, String> templates = new TreeMap<>();
        templates.put("count-by-sex", Files.readString(samples.resolve("queries/count-by-sex.template.json")));
        templates.put(
                "mean-claim-by-hospital",
                Files.readString(samples.resolve("queries/mean-claim-by-hospital.template.json")));
        templates.put("scale-payment-ols", OLS_TEMPLATE);
        for (Map.Entry<String, String> t : templates.entrySet()) {
            if (!listed.contains("\"" + t.getKey() + "\"")) {
                irene.postJson("/api/v1/templates", t.getValue().getBytes(StandardCharsets.UTF_8));
                rita.postJson("/api/v1/templates/" + t.getKey() + "/1/approve", new byte[0]);
            }
        }
        irene.postJson("/api/v1/payments/deposits", "{\"amount\":100000000}".getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> requests = new LinkedHashMap<>();
        requests.put("count by sex", Files.readAllBytes(samples.resolve("queries/count-by-sex.request.json")));
        ObjectNode mean = (ObjectNode)
                Json.parse(Files.readAllBytes(samples.resolve("queries/mean-claim-by-hospital.request.json")));
        mean.put("epsilon", 0.1);
        requests.put("mean claim by hospital (ε 0.1)", Json.compact(mean).getBytes(StandardCharsets.UTF_8));
        requests.put(
                "OLS payment ~ claim + age band",
                ("{\"templateId\":\"scale-payment-ols\",\"templateVersion\":1,\"insurerId\":\"insurer-x\","
                                + "\"purpose\":\"insurance-stats\",\"parameters\":{}}")
                        .getBytes(StandardCharsets.UTF_8));
        return requests;
    }

    /** Bytes used by the service's heap after {@code jcmd PID GC.run}, or -1. */
    static long heapAfterGc(long pid) {
        try {
            jcmd(pid, "GC.run");
            Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            return used.find() ? Long.parseLong(used.group(1)) * 1024 : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + ": " + output.strip());
        }
        return output;
    }

    /** Bytes of the files under each top-level entry of {@code data}. */
    static Map<String, Long> bytesByPart(Path data) throws IOException {
        Map<String, Long> out = new TreeMap<>();
        try (Stream<Path> parts = Files.list(data)) {
            for (Path part : parts.sorted().toList()) {
                AtomicLong bytes = new AtomicLong();
                try (Stream<Path> files = Files.walk(part)) {
                    files.filter(Files::isRegularFile).forEach(f -> {
                        try {
                            bytes.addAndGet(Files.size(f));
                        } catch (IOException e) {
                            // a file removed while walking (a compacted segment) counts as gone
                        }
                    });
                }
                out.put(part.getFileName().toString(), bytes.get());
            }
        }
        return out;
    }
}
