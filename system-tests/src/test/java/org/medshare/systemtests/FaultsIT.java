package org.medshare.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeHeader;
import org.medshare.abe.Policy;

/**
 * Faults against the packaged application: the service's runner jar on its own port and a
 * fresh data directory, the {@code medshare} jar as the hospitals' client, tokens from the real Keycloak.
 * <ol>
 *   <li>The service is killed with SIGKILL while {@code medshare upload} sends hospital-a's sample folder,
 *       then restarted: every listed record's ciphertext downloads whole (its content id and size match the
 *       record, its header names the record's policy), rerunning the same upload completes without a
 *       duplicate (as many records and UPLOAD events as bundles, each record once) and
 *       {@code medshare audit verify} accepts the ledger.</li>
 *   <li>Two of the six storage node directories (n − k for RS(4,2)) are deleted while a query is in flight
 *       (submitted, not yet run): the regulator's approval still runs it, with the same result as the same
 *       query before the loss; every record's ciphertext still downloads.</li>
 * </ol>
 * The second test uploads hospital-b's folder itself, so it needs only the running service.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    static final Path SAMPLES = Path.of(System.getProperty("medshare.samples", "../sample-data"));
    static final Path WORK = Path.of(System.getProperty("medshare.work", "target/system"));
    static final String POLICY_A = "org:hospital-a@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final String POLICY_B = "org:hospital-b@2026Q4 OR purpose:insurance-stats@2026Q4";
    static final Pattern SUMMARY = Pattern.compile(
            "uploaded (\\d+), already uploaded (\\d+), refused (\\d+), not confirmed (\\d+) of (\\d+) bundles");

    PackagedService service;
    Api api;
    Path run;
    Path pseudonymKey;
    Parties parties;

    @BeforeAll
    void start() throws Exception {
        run = WORK.resolve("run-" + System.currentTimeMillis());
        Files.createDirectories(run);
        pseudonymKey = run.resolve("consortium-pseudonym.key");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Files.write(pseudonymKey, key);
        parties = Parties.create(run.resolve("parties"));
        service = new PackagedService(
                Path.of(System.getProperty("medshare.runner")),
                run.resolve("data"),
                PackagedService.freePort(),
                parties.file());
        service.start();
        api = new Api(service.url());
    }

    @AfterAll
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    /** rita approves {@code queryId} with the regulator's approval key, through the packaged command line. */
    JsonNode approve(String queryId) throws Exception {
        Cli.Result approved = cli("rita")
                .run(
                        null,
                        "query",
                        "approve",
                        queryId,
                        "--key",
                        parties.approvalKey().toString());
        assertEquals(0, approved.exit(), approved.toString());
        return Api.JSON.readTree(approved.out());
    }

    Cli cli(String user) throws Exception {
        return Cli.loggedIn(
                Path.of(System.getProperty("medshare.cli")), run.resolve("cli-" + user), service.url(), user);
    }

    String[] upload(String policy, String folder) {
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
            policy,
            SAMPLES.resolve("fhir").resolve(folder).toString()
        };
    }

    static int bundles(String folder) throws IOException {
        try (Stream<Path> s = Files.list(SAMPLES.resolve("fhir").resolve(folder))) {
            return (int) s.filter(p -> p.toString().endsWith(".json")).count();
        }
    }

    List<JsonNode> records(String token) throws Exception {
        List<JsonNode> all = new ArrayList<>();
        api.call("GET", "/api/v1/records?limit=1000", token, null, 200).forEach(all::add);
        return all;
    }

    @Test
    @Order(1)
    void sigkillDuringAnUploadBatchLeavesNoHalfRecordAndTheBatchResumes() throws Exception {
        int total = bundles("hospital-a");
        Cli alice = cli("alice");
        String token = Api.token("alice");

        Process upload = alice.start(null, upload(POLICY_A, "hospital-a"));
        int seenBeforeKill = -1;
        long deadline = System.nanoTime() + 240_000_000_000L;
        while (System.nanoTime() < deadline && upload.isAlive()) {
            int n = api.call("GET", "/api/v1/records?limit=1000", token, null, 200)
                    .size();
            if (n >= 3) {
                seenBeforeKill = n;
                service.kill();
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(
                seenBeforeKill >= 3 && seenBeforeKill < total,
                "the kill must land inside the batch (records seen: " + seenBeforeKill + " of " + total + ")");
        Cli.Result interrupted = alice.finish(upload, 240);
        assertEquals(1, interrupted.exit(), "an interrupted batch is not a success: " + interrupted);
        assertTrue(interrupted.err().contains("run the same command again to resume"), interrupted.toString());

        service.start();
        token = Api.token("alice");
        List<JsonNode> afterCrash = records(token);
        assertTrue(
                afterCrash.size() >= seenBeforeKill && afterCrash.size() < total,
                "records after the crash: " + afterCrash.size());
        for (JsonNode r : afterCrash) {
            assertWhole(r, token);
        }

        Cli.Result resumed = alice.run(null, upload(POLICY_A, "hospital-a"));
        assertEquals(0, resumed.exit(), resumed.toString());
        Matcher m = SUMMARY.matcher(resumed.out());
        assertTrue(m.find(), resumed.out());
        assertEquals(total, Integer.parseInt(m.group(1)) + Integer.parseInt(m.group(2)), resumed.out());
        assertTrue(Integer.parseInt(m.group(1)) >= 1, "the rerun uploads what the crash interrupted: " + resumed.out());
        assertEquals(total, Integer.parseInt(m.group(5)));

        List<JsonNode> all = records(token);
        Set<String> ids = new HashSet<>();
        for (JsonNode r : all) {
            assertTrue(ids.add(r.path("recordId").asText()), "record listed twice: " + r);
            assertWhole(r, token);
        }
        assertEquals(total, all.size(), "one record per bundle, none duplicated");

        String rita = Api.token("rita");
        List<String> uploadEvents = new ArrayList<>();
        for (JsonNode e : api.call("GET", "/api/v1/audit/events?limit=1000", rita, null, 200)) {
            if ("UPLOAD".equals(e.path("type").asText())) {
                uploadEvents.add(e.toString());
            }
        }
        assertEquals(
                total, uploadEvents.size(), "one UPLOAD event per record on the ledger, none twice: " + uploadEvents);
        for (String id : ids) {
            assertTrue(uploadEvents.stream().anyMatch(e -> e.contains(id)), "record " + id + " has its UPLOAD event");
        }

        Cli.Result verified = new Cli(Path.of(System.getProperty("medshare.cli")), run.resolve("cli-auditor"))
                .run(
                        null,
                        "audit",
                        "verify",
                        "--ledger",
                        service.dataDir().resolve("ledger").toString(),
                        "--keys",
                        service.dataDir().resolve("ledger-keys/member.vkey").toString());
        assertEquals(0, verified.exit(), "the ledger verifies offline after the crash: " + verified);
    }

    @Test
    @Order(2)
    void losingTwoOfSixStorageNodesDuringAQueryChangesNothing() throws Exception {
        Cli bob = cli("bob");
        Cli.Result uploaded = bob.run(null, upload(POLICY_B, "hospital-b"));
        assertEquals(0, uploaded.exit(), uploaded.toString());
        String irene = Api.token("irene");
        String rita = Api.token("rita");
        for (String hospital : List.of("alice", "bob")) {
            api.call("PUT", "/api/v1/data-use-rules", Api.token(hospital), "{\"rules\":[\"insurance-stats/*\"]}", 200);
        }
        api.call(
                "POST",
                "/api/v1/templates",
                irene,
                Files.readString(SAMPLES.resolve("queries/count-by-sex.template.json")),
                201);
        api.call("POST", "/api/v1/templates/count-by-sex/1/approve", rita, null, 200);
        api.call("POST", "/api/v1/payments/deposits", irene, "{\"amount\":100000}", 200);
        String request = Files.readString(SAMPLES.resolve("queries/count-by-sex.request.json"));

        String before = api.call("POST", "/api/v1/queries", irene, request, 201)
                .path("queryId")
                .asText();
        JsonNode first = approve(before);
        assertEquals("COMPLETED", first.path("status").asText(), first.toString());

        String during = api.call("POST", "/api/v1/queries", irene, request, 201)
                .path("queryId")
                .asText();
        Path store = service.dataDir().resolve("store");
        for (String node : List.of("node-1", "node-4")) {
            Path dir = store.resolve(node);
            try (Stream<Path> files = Files.walk(dir)) {
                assertTrue(files.anyMatch(Files::isRegularFile), node + " held shards before it was lost");
            }
            deleteTree(dir);
        }
        JsonNode second = approve(during);
        assertEquals("COMPLETED", second.path("status").asText(), second.toString());
        assertEquals(
                first.path("inputRecords").asInt(), second.path("inputRecords").asInt());
        assertTrue(first.path("inputRecords").asInt() > 0, first.toString());
        JsonNode r1 = first.path("result");
        JsonNode r2 = second.path("result");
        assertEquals(r1.path("groups"), r2.path("groups"), "same groups and counts with two nodes gone");
        assertTrue(r1.path("groups").size() > 0, r1.toString());
        JsonNode asInsurer = api.call("GET", "/api/v1/queries/" + during, irene, null, 200);
        assertEquals("COMPLETED", asInsurer.path("status").asText());

        for (String hospital : List.of("alice", "bob")) {
            String token = Api.token(hospital);
            for (JsonNode r : records(token)) {
                assertWhole(r, token);
            }
        }
    }

    /** The record's envelope downloads whole: content id and size as recorded, a header naming its policy. */
    void assertWhole(JsonNode record, String token) throws Exception {
        String id = record.path("recordId").asText();
        byte[] envelope = api.bytes("/api/v1/records/" + id + "/ciphertext", token);
        assertEquals(record.path("envelopeBytes").asLong(), envelope.length, id);
        assertEquals(record.path("envelopeCid").asText(), cid(envelope), id);
        EnvelopeHeader header = Envelope.inspect(new ByteArrayInputStream(envelope));
        assertEquals(Policy.parse(record.path("policy").asText()), header.policy(), id);
    }

    /** CIDv1, raw codec, sha2-256 multihash, base32 lower case without padding. */
    static String cid(byte[] content) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
        byte[] bin = new byte[4 + digest.length];
        bin[0] = 0x01;
        bin[1] = 0x55;
        bin[2] = 0x12;
        bin[3] = 0x20;
        System.arraycopy(digest, 0, bin, 4, digest.length);
        return "b" + new Base32().encodeAsString(bin).replace("=", "").toLowerCase(Locale.ROOT);
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
