package org.medshare.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The consortium for real: three organisations' nodes, each its own JVM ({@code medshare node run} from the packaged
 * command line, with its own key, Raft member, witness and copy of the log), and the packaged service as a client of
 * their group ({@code MEDSHARE_LEDGER_CONSORTIUM}). The group runs with mutual TLS: the consortium's transport root
 * ({@code medshare node tls-ca}) is pinned in the consortium file, and each node and the service authenticate with a
 * certificate it issued ({@code medshare node tls-cert}).
 * <ol>
 *   <li>The leading node is killed with SIGKILL while {@code medshare upload} sends hospital-a's sample folder: the
 *       other two elect a leader and the upload completes (a rerun finishes anything refused meanwhile); every record
 *       has exactly one UPLOAD event; both surviving nodes' copies and the service's replica verify offline with
 *       the organisations' keys and a quorum of two; the killed node, restarted, catches up and verifies too.</li>
 *   <li>Two of the three nodes are killed: an upload is refused (503, the CLI exits 1) and no record becomes
 *       visible; once they are back, running the same upload again finishes it, each record once.</li>
 * </ol>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsortiumIT {
    static final Path SAMPLES = Path.of(System.getProperty("medshare.samples", "../sample-data"));
    static final Path WORK = Path.of(System.getProperty("medshare.work", "target/system"));
    static final Path CLI_JAR = Path.of(System.getProperty("medshare.cli", "../client/target/medshare.jar"));
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Pattern SUMMARY = Pattern.compile(
            "uploaded (\\d+), already uploaded (\\d+), refused (\\d+), not confirmed (\\d+) of (\\d+) bundles");
    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Path run;
    Path consortium;
    Path members;
    Path pseudonymKey;
    final Map<String, Integer> httpPorts = new LinkedHashMap<>();
    final Map<String, Process> nodes = new LinkedHashMap<>();
    PackagedService service;
    Api api;

    @BeforeAll
    void start() throws Exception {
        run = WORK.resolve("consortium-" + System.currentTimeMillis());
        Files.createDirectories(run);
        StringBuilder file =
                new StringBuilder("origin medshare.test/consortium\ngroup " + UUID.randomUUID() + "\nsuite nist\n");
        StringBuilder keys = new StringBuilder();
        List<Integer> ports = distinctFreePorts(2 * ORGANISATIONS.size());
        Path transport = run.resolve("transport-ca");
        Cli.Result root = nodeCli("transport").run(null, "node", "tls-ca", "--out", transport.toString());
        assertEquals(0, root.exit(), root.toString());
        file.append(root.out().strip()).append('\n');
        issueTransport(transport, "service", run.resolve("service-tls"));
        for (String org : ORGANISATIONS) {
            Path dir = Files.createDirectories(run.resolve("nodes").resolve(org));
            Cli.Result made = nodeCli(org)
                    .run(
                            null,
                            "node",
                            "keygen",
                            "--org",
                            org,
                            "--out",
                            dir.resolve("node.key").toString());
            assertEquals(0, made.exit(), made.toString());
            int raft = ports.remove(0);
            httpPorts.put(org, ports.remove(0));
            file.append("member ").append(org).append(" 127.0.0.1:").append(raft);
            file.append(" 127.0.0.1:")
                    .append(httpPorts.get(org))
                    .append(' ')
                    .append(made.out())
                    .append('\n');
            keys.append(made.out()).append('\n');
            issueTransport(transport, org, dir.resolve("tls"));
        }
        consortium = Files.writeString(run.resolve("consortium.txt"), file);
        members = Files.writeString(run.resolve("members.vkeys"), keys);
        for (String org : ORGANISATIONS) {
            startNode(org);
        }
        for (String org : ORGANISATIONS) {
            awaitHealth(org);
        }
        pseudonymKey = run.resolve("consortium-pseudonym.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(pseudonymKey, key);
        Parties parties = Parties.create(run.resolve("parties"));
        service = new PackagedService(
                Path.of(System.getProperty("medshare.runner")),
                run.resolve("data"),
                PackagedService.freePort(),
                parties.file(),
                Map.of(
                        "MEDSHARE_LEDGER_CONSORTIUM",
                        consortium.toString(),
                        "MEDSHARE_LEDGER_TLS_KEY",
                        run.resolve("service-tls/service.key").toString(),
                        "MEDSHARE_LEDGER_TLS_CERT",
                        run.resolve("service-tls/service.crt").toString(),
                        // a refusal with a quorum down comes sooner, so the test does not wait for the default
                        "MEDSHARE_LEDGER_GROUP_TIMEOUT_MS",
                        "4000"));
        service.start();
        api = new Api(service.url());
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
        for (Process node : nodes.values()) {
            node.destroy();
            node.waitFor();
        }
    }

    /** {@code n} loopback ports free now, all different (each held until all are found). */
    static List<Integer> distinctFreePorts(int n) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return new ArrayList<>(held.stream().map(ServerSocket::getLocalPort).toList());
        } finally {
            for (ServerSocket s : held) {
                s.close();
            }
        }
    }

    Cli nodeCli(String org) {
        return new Cli(CLI_JAR, run.resolve("cli-node-" + org));
    }

    /** Issues {@code name} its transport key and certificate under the consortium's root, into {@code out}. */
    void issueTransport(Path transport, String name, Path out) throws Exception {
        Cli.Result issued = nodeCli("transport")
                .run(
                        null,
                        "node",
                        "tls-cert",
                        "--ca",
                        transport.toString(),
                        "--name",
                        name,
                        "--host",
                        "127.0.0.1",
                        "--out",
                        out.toString());
        assertEquals(0, issued.exit(), issued.toString());
    }

    void startNode(String org) throws Exception {
        Path tls = run.resolve("nodes").resolve(org).resolve("tls");
        nodes.put(
                org,
                nodeCli(org)
                        .start(
                                null,
                                "node",
                                "run",
                                "--consortium",
                                consortium.toString(),
                                "--org",
                                org,
                                "--key",
                                run.resolve("nodes")
                                        .resolve(org)
                                        .resolve("node.key")
                                        .toString(),
                                "--tls-key",
                                tls.resolve(org + ".key").toString(),
                                "--tls-cert",
                                tls.resolve(org + ".crt").toString(),
                                "--dir",
                                run.resolve("nodes").resolve(org).toString()));
    }

    /** SIGKILL: the node gets no chance to flush or close anything. */
    void killNode(String org) throws Exception {
        Process p = nodes.remove(org);
        p.destroyForcibly();
        p.waitFor();
    }

    JsonNode health(String org) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPorts.get(org) + "/health"))
                        .timeout(Duration.ofSeconds(2))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return Api.JSON.readTree(r.body());
    }

    JsonNode awaitHealth(String org) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            try {
                return health(org);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !nodes.get(org).isAlive()) {
                    throw new IllegalStateException(
                            "the node of " + org + " did not answer; see " + run.resolve("cli-node-" + org));
                }
                Thread.sleep(250);
            }
        }
    }

    String leader() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (String org : nodes.keySet()) {
                if (health(org).path("leader").asBoolean()) {
                    return org;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no node leads the group");
    }

    Cli cli(String user) throws Exception {
        return Cli.loggedIn(CLI_JAR, run.resolve("cli-" + user), service.url(), user);
    }

    String[] upload(String hospital) {
        return upload(hospital, SAMPLES.resolve("fhir").resolve(hospital));
    }

    String[] upload(String hospital, Path bundles) {
        return new String[] {
            "upload",
            "--no-progress",
            "--concurrency",
            "2",
            "--pseudonym-key",
            pseudonymKey.toString(),
            "--authority-trust",
            service.dataDir().resolve("enclave/authority.trust").toString(),
            "--policy",
            "org:" + hospital + "@2026Q4 OR purpose:insurance-stats@2026Q4",
            bundles.toString()
        };
    }

    static int bundles(String hospital) throws Exception {
        try (var s = Files.list(SAMPLES.resolve("fhir").resolve(hospital))) {
            return (int) s.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    /** Runs the same upload until every bundle is uploaded (a refused or unconfirmed bundle is sent again). */
    void uploadUntilDone(Cli who, String hospital) throws Exception {
        int total = bundles(hospital);
        for (int attempt = 1; ; attempt++) {
            Cli.Result r = who.run(null, upload(hospital));
            Matcher m = SUMMARY.matcher(r.out());
            assertTrue(m.find(), r.toString());
            int done = Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2));
            if (r.exit() == 0 && done == total) {
                return;
            }
            assertTrue(attempt < 10, "the upload does not finish: " + r);
            Thread.sleep(3000);
        }
    }

    /** Every record of {@code hospital} listed once, with exactly one UPLOAD event each on the ledger. */
    void assertOneUploadEventPerRecord(String user, int expected) throws Exception {
        Set<String> ids = new HashSet<>();
        for (JsonNode r : api.call("GET", "/api/v1/records?limit=1000", Api.token(user), null, 200)) {
            assertTrue(ids.add(r.path("recordId").asText()), "record listed twice: " + r);
        }
        assertEquals(expected, ids.size());
        List<String> uploads = new ArrayList<>();
        for (JsonNode e : api.call("GET", "/api/v1/audit/events?limit=1000", Api.token("rita"), null, 200)) {
            if ("UPLOAD".equals(e.path("type").asText())
                    && ids.contains(e.path("fields").path("record_id").asText())) {
                uploads.add(e.path("fields").path("record_id").asText());
            }
        }
        assertEquals(expected, uploads.size(), "one UPLOAD event per record: " + uploads);
        assertEquals(expected, new HashSet<>(uploads).size(), "no record has two UPLOAD events");
    }

    Cli.Result verify(Path ledger) throws Exception {
        return new Cli(CLI_JAR, run.resolve("cli-auditor"))
                .run(null, "audit", "verify", "--ledger", ledger.toString(), "--keys", members.toString());
    }

    long entries(String org) throws Exception {
        return health(org).path("entries").asLong();
    }

    @Test
    @Order(1)
    void sigkillOfTheLeadingNodeDuringAnUploadLosesNothingAcknowledged() throws Exception {
        int total = bundles("hospital-a");
        Cli alice = cli("alice");
        String token = Api.token("alice");
        String killed = leader();

        Process upload = alice.start(null, upload("hospital-a"));
        int seenBeforeKill = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(240).toNanos();
        while (System.nanoTime() < deadline && upload.isAlive()) {
            int n = api.call("GET", "/api/v1/records?limit=1000", token, null, 200)
                    .size();
            if (n >= 3) {
                seenBeforeKill = n;
                killNode(killed);
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(
                seenBeforeKill >= 3 && seenBeforeKill < total, "the kill lands inside the upload: " + seenBeforeKill);
        Cli.Result first = alice.finish(upload, 300);
        assertTrue(SUMMARY.matcher(first.out()).find(), first.toString());
        uploadUntilDone(alice, "hospital-a");
        assertOneUploadEventPerRecord("alice", total);

        // the surviving nodes hold what the service holds, and every copy verifies with a quorum of two
        long size = api.call("GET", "/api/v1/health/platform", Api.token("rita"), null, 200)
                .path("ledger")
                .path("size")
                .asLong();
        for (String org : nodes.keySet()) {
            assertTrue(entries(org) >= size, org + " holds every entry the service acknowledged");
        }
        Cli.Result replica = verify(service.dataDir().resolve("ledger"));
        assertEquals(0, replica.exit(), "the service's replica verifies: " + replica);
        assertTrue(replica.out().startsWith("OK"), replica.toString());

        // the killed node, restarted on its own directory, catches up
        startNode(killed);
        awaitHealth(killed);
        long catchUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (entries(killed) < size && System.nanoTime() < catchUp) {
            Thread.sleep(250);
        }
        assertTrue(entries(killed) >= size, killed + " caught up");
        for (String org : ORGANISATIONS) {
            Cli.Result copy = verify(run.resolve("nodes").resolve(org).resolve("ledger"));
            assertEquals(0, copy.exit(), org + "'s own copy verifies: " + copy);
        }
    }

    @Test
    @Order(2)
    void withAQuorumOfNodesDownUploadsAreRefusedAndFinishOnceTheyAreBack() throws Exception {
        Cli bob = cli("bob");
        String token = Api.token("bob");
        int before =
                api.call("GET", "/api/v1/records?limit=1000", token, null, 200).size();
        List<String> down = new ArrayList<>(nodes.keySet()).subList(0, 2);
        for (String org : List.copyOf(down)) {
            killNode(org);
        }
        Cli.Result refused = bob.run(null, upload("hospital-b"));
        assertEquals(1, refused.exit(), "an upload without the ledger is no success: " + refused);
        assertEquals(
                before,
                api.call("GET", "/api/v1/records?limit=1000", token, null, 200).size(),
                "no record became visible without its UPLOAD event on the consortium's ledger");

        for (String org : down) {
            startNode(org);
        }
        for (String org : ORGANISATIONS) {
            awaitHealth(org);
        }
        leader();
        uploadUntilDone(bob, "hospital-b");
        assertOneUploadEventPerRecord("bob", bundles("hospital-b"));
    }
}
