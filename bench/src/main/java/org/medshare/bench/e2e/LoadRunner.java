package org.medshare.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.client.authority.TrustedAuthority;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.party.PartyKeyFile;
import org.medshare.client.upload.HospitalKeys;
import org.medshare.client.upload.PreparedUpload;
import org.medshare.client.upload.UploadPreparer;

/**
 * Load benchmark (issue 8): {@code CLIENTS} concurrent clients against the packaged service for {@code SECONDS}
 * seconds, with real Keycloak tokens. Four in five clients upload 1-10 KB records as hospitals (alice and
 * arthur of hospital-a, bob of hospital-b; uploads prepared beforehand on all cores, so the clients measure
 * the service, and prepared on the fly should the pool run dry); the others query: two run whole aggregate
 * queries (insurer submits count-by-sex, regulator approves it, which runs it in the enclave over every
 * record so far and settles it, insurer reads the result), the rest read (a hospital's record list, the
 * insurer's queries, the regulator's audit events). Afterwards it checks that nothing was lost: every
 * acknowledged upload is listed by its hospital exactly once, every submitted query is COMPLETED. Prints and
 * writes throughput, latency percentiles per operation and the error count.
 *
 * <p>Usage: {@code LoadRunner SERVER REALM TRUST_FILE SAMPLES CLIENTS SECONDS POOL OUT_FILE APPROVAL_KEY} (the
 * regulator's approval key file, which signs each approval).
 */
public final class LoadRunner {
    static final String[][] HOSPITALS = {{"alice", "hospital-a"}, {"arthur", "hospital-a"}, {"bob", "hospital-b"}};

    record Org(
            String name,
            UploadPreparer preparer,
            ConcurrentLinkedQueue<PreparedUpload> pool,
            Set<String> acknowledged) {}

    final Map<String, List<Long>> latency = new ConcurrentHashMap<>();
    final AtomicInteger errors = new AtomicInteger();
    final List<String> errorSamples = Collections.synchronizedList(new ArrayList<>());

    public static void main(String[] args) throws Exception {
        new LoadRunner().run(args);
    }

    void run(String[] args) throws Exception {
        String server = args[0];
        String realm = args[1];
        Path trust = Path.of(args[2]);
        Path samples = Path.of(args[3]);
        int clients = Integer.parseInt(args[4]);
        int seconds = Integer.parseInt(args[5]);
        int poolSize = Integer.parseInt(args[6]);
        Path out = Path.of(args[7]);
        KeyPair approvalKey = PartyKeyFile.read(Path.of(args[8]));
        StringBuilder report = new StringBuilder(Workload.header(
                "scripts/load.sh (" + LoadRunner.class.getName() + " " + clients + " clients, " + seconds + " s)"));

        Path work = Files.createTempDirectory("medshare-load");
        Path pseudonymFile = work.resolve("pseudonym.key");
        byte[] pk = new byte[32];
        new SecureRandom().nextBytes(pk);
        Files.write(pseudonymFile, pk);
        Map<String, Org> orgs = new LinkedHashMap<>();
        Map<String, ServiceClient> users = new LinkedHashMap<>();
        for (String u : List.of("alice", "arthur", "bob", "irene", "rita")) {
            users.put(u, Workload.client(server, new Realm(realm, u)));
        }
        String tag = "ld" + Long.toString(System.currentTimeMillis(), 36);
        for (String[] h : new String[][] {HOSPITALS[0], HOSPITALS[2]}) {
            ServiceClient s = users.get(h[0]);
            Path config = work.resolve(h[1]);
            Files.createDirectories(config);
            HospitalKeys keys = HospitalKeys.open(config, s, pseudonymFile);
            PublicParameters params = TrustedAuthority.load(trust, config).parameters(s);
            String policy = "org:" + h[1] + " OR purpose:insurance-stats@2026Q4";
            orgs.put(
                    h[1],
                    new Org(
                            h[1],
                            new UploadPreparer(
                                    keys, params, params.defaultSuite(), policy, Policy.parse(policy), new TreeMap<>()),
                            new ConcurrentLinkedQueue<>(),
                            ConcurrentHashMap.newKeySet()));
        }
        Map<String, Integer> before = new LinkedHashMap<>();
        for (String[] h : new String[][] {HOSPITALS[0], HOSPITALS[2]}) {
            before.put(h[1], countRecords(users.get(h[0])));
        }

        List<byte[]> bundles = Workload.bundles(samples.resolve("fhir"), tag, poolSize);
        long p0 = System.nanoTime();
        int threads = Runtime.getRuntime().availableProcessors();
        List<Org> orgList = new ArrayList<>(orgs.values());
        UploadThroughput.timed(threads, poolSize, i -> {
            Org o = orgList.get(i % 3 == 2 ? 1 : 0);
            o.pool().add(o.preparer().prepare(bundles.get(i)));
            return null;
        });
        report.append(String.format(
                Locale.ROOT,
                "prepared %d uploads of 1-10 KB bundles beforehand in %.1f s on %d threads%n",
                poolSize,
                (System.nanoTime() - p0) / 1e9,
                threads));

        ServiceClient irene = users.get("irene");
        ServiceClient rita = users.get("rita");
        for (String u : List.of("alice", "bob")) {
            Workload.allowInsuranceStatistics(server, realm, u);
        }
        String template = Files.readString(samples.resolve("queries/count-by-sex.template.json"));
        String templateId = "count-by-sex";
        if (!irene.getJson("/api/v1/templates").toString().contains("\"" + templateId + "\"")) {
            irene.postJson("/api/v1/templates", template.getBytes(StandardCharsets.UTF_8));
            rita.postJson("/api/v1/templates/" + templateId + "/1/approve", new byte[0]);
        }
        irene.postJson("/api/v1/payments/deposits", "{\"amount\":100000000}".getBytes(StandardCharsets.UTF_8));
        byte[] request = Files.readAllBytes(samples.resolve("queries/count-by-sex.request.json"));
        Set<String> queries = ConcurrentHashMap.newKeySet();

        int queryCycles = Math.max(1, clients / 25);
        int readers = Math.max(1, clients / 5 - queryCycles);
        int uploaders = clients - queryCycles - readers;
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int c = 0; c < uploaders; c++) {
            String[] h = HOSPITALS[c % 3];
            Org org = orgs.get(h[1]);
            ServiceClient s = users.get(h[0]);
            AtomicInteger seq = new AtomicInteger();
            int client = c;
            ts.add(thread(
                    "upload-" + c,
                    () -> {
                        while (System.nanoTime() < deadline) {
                            PreparedUpload u = org.pool().poll();
                            try {
                                if (u == null) {
                                    u = org.preparer()
                                            .prepare(Workload.bundle(
                                                    samples.resolve("fhir"),
                                                    tag + "x" + client,
                                                    seq.incrementAndGet()));
                                }
                                PreparedUpload up = u;
                                JsonNode a = timedOp(
                                        "upload (POST /api/v1/records)",
                                        () -> s.postMultipart("/api/v1/records", up.multipart())
                                                .json());
                                String id = a.path("record").path("recordId").asText(null);
                                if (id == null
                                        || a.path("replayed").asBoolean()
                                        || !org.acknowledged().add(id)) {
                                    error("upload answered without a new record: "
                                            + a.path("record").path("recordId"));
                                }
                            } catch (Exception e) {
                                error("upload: " + e.getMessage());
                            }
                        }
                    },
                    go));
        }
        for (int c = 0; c < queryCycles; c++) {
            ts.add(thread(
                    "query-" + c,
                    () -> {
                        while (System.nanoTime() < deadline) {
                            try {
                                String id = timedOp(
                                                "query submit (insurer)",
                                                () -> irene.postJson("/api/v1/queries", request)
                                                        .json())
                                        .path("queryId")
                                        .asText();
                                queries.add(id);
                                JsonNode done = timedOp(
                                        "query approve + enclave run + settle (regulator)",
                                        () -> Workload.approve(rita, id, approvalKey));
                                if (!"COMPLETED".equals(done.path("status").asText())) {
                                    error("query " + id + " ended "
                                            + done.path("status").asText());
                                }
                                timedOp("query result (insurer)", () -> irene.getJson("/api/v1/queries/" + id));
                            } catch (Exception e) {
                                error("query: " + e.getMessage());
                            }
                        }
                    },
                    go));
        }
        for (int c = 0; c < readers; c++) {
            int kind = c % 3;
            ts.add(thread(
                    "read-" + c,
                    () -> {
                        while (System.nanoTime() < deadline) {
                            try {
                                switch (kind) {
                                    case 0 ->
                                        timedOp(
                                                "list records (hospital)",
                                                () -> users.get("bob").getJson("/api/v1/records?limit=100"));
                                    case 1 -> timedOp("list queries (insurer)", () -> irene.getJson("/api/v1/queries"));
                                    default ->
                                        timedOp(
                                                "audit events (regulator)",
                                                () -> rita.getJson("/api/v1/audit/events?limit=100"));
                                }
                            } catch (Exception e) {
                                error("read: " + e.getMessage());
                            }
                        }
                    },
                    go));
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;

        report.append(String.format(
                Locale.ROOT,
                "clients: %d (%d uploading, %d running queries, %d reading), %.1f s%n%n",
                clients,
                uploaders,
                queryCycles,
                readers,
                elapsed));
        int totalOps = 0;
        for (Map.Entry<String, List<Long>> e : new TreeMap<>(latency).entrySet()) {
            totalOps += e.getValue().size();
            report.append(String.format(
                    Locale.ROOT,
                    "%-50s %8.1f ops/s  %s%n",
                    e.getKey(),
                    e.getValue().size() / elapsed,
                    Workload.latencies(e.getValue())));
        }
        report.append(String.format(Locale.ROOT, "%-50s %8.1f ops/s%n", "all operations", totalOps / elapsed));

        int lost = 0;
        int acknowledged = 0;
        for (String[] h : new String[][] {HOSPITALS[0], HOSPITALS[2]}) {
            Org o = orgs.get(h[1]);
            Set<String> listed = listRecordIds(users.get(h[0]));
            acknowledged += o.acknowledged().size();
            for (String id : o.acknowledged()) {
                if (!listed.contains(id)) {
                    lost++;
                }
            }
            int expected = before.get(h[1]) + o.acknowledged().size();
            if (listed.size() != expected) {
                error(h[1] + " lists " + listed.size() + " records, expected " + expected);
            }
        }
        int unfinished = 0;
        for (String q : queries) {
            if (!"COMPLETED"
                    .equals(irene.getJson("/api/v1/queries/" + q).path("status").asText())) {
                unfinished++;
            }
        }
        report.append(String.format(
                Locale.ROOT,
                "%nafter the run: %d uploads acknowledged, %d of them not listed by their hospital (lost); "
                        + "%d queries submitted, %d not COMPLETED; errors: %d%n",
                acknowledged,
                lost,
                queries.size(),
                unfinished,
                errors.get()));
        for (String s : errorSamples) {
            report.append("  error: ").append(s).append('\n');
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
        System.out.print(report);
        if (errors.get() > 0 || lost > 0 || unfinished > 0) {
            System.exit(1);
        }
    }

    /** A started thread that waits for {@code go} before running {@code body}. */
    static Thread thread(String name, Runnable body, CountDownLatch go) {
        Thread t = new Thread(
                () -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    body.run();
                },
                name);
        t.start();
        return t;
    }

    interface Op {
        JsonNode call() throws Exception;
    }

    JsonNode timedOp(String name, Op op) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = op.call();
        latency.computeIfAbsent(name, k -> Collections.synchronizedList(new ArrayList<>()))
                .add(System.nanoTime() - t0);
        return r;
    }

    void error(String message) {
        errors.incrementAndGet();
        if (errorSamples.size() < 10) {
            errorSamples.add(message);
        }
    }

    static int countRecords(ServiceClient s) throws Exception {
        return listRecordIds(s).size();
    }

    static Set<String> listRecordIds(ServiceClient s) throws Exception {
        Set<String> ids = new HashSet<>();
        for (int offset = 0; ; offset += 1000) {
            JsonNode page = s.getJson("/api/v1/records?offset=" + offset + "&limit=1000");
            page.forEach(r -> ids.add(r.path("recordId").asText()));
            if (page.size() < 1000) {
                return ids;
            }
        }
    }
}
