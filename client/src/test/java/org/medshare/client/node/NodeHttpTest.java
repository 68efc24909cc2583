package org.medshare.client.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.consortium.ConsortiumNode;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.replication.GroupClient;

/** A one-member consortium's node behind its read-only HTTP view, read as a regulator's tools read it. */
class NodeHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Consortium consortium;
    ConsortiumNode node;
    NodeHttp http;
    GroupClient client;
    String base;
    final HttpClient web = HttpClient.newHttpClient();

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @BeforeEach
    void start() throws Exception {
        CheckpointSigner key = NoteKeys.generateEd25519("hospital-a");
        int httpPort = freePort();
        consortium = Consortium.parse("origin medshare.test/one\ngroup " + UUID.randomUUID() + "\nsuite nist\n"
                + "member hospital-a 127.0.0.1:" + freePort() + " 127.0.0.1:" + httpPort + " "
                + key.verifier().encode() + "\n");
        node = ConsortiumNode.start(consortium, "hospital-a", key, dir, Duration.ofMillis(50), Duration.ofMillis(300));
        http = NodeHttp.start(node, consortium.member("hospital-a").http());
        base = "http://127.0.0.1:" + httpPort;
        client = GroupClient.connect(
                consortium.groupId(), consortium.raftPeers(), Duration.ofSeconds(3), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        http.close();
        node.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return web.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static List<byte[]> uploads(int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(EventCodec.encode(Event.upload(
                    1_764_000_000_000L + i,
                    "hospital-a",
                    "rec-" + i,
                    SaltedHash.sha256(("content-" + i).getBytes(StandardCharsets.UTF_8)),
                    SaltedHash.sha256(("policy-" + i).getBytes(StandardCharsets.UTF_8)))));
        }
        return out;
    }

    @Test
    void servesTheFinalCheckpointAndProofsThatVerifyAgainstIt() throws Exception {
        assertEquals(404, get("/checkpoint").statusCode(), "nothing is final before the first entry");

        client.append(uploads(0, 10));
        SignedCheckpoint first = node.awaitFinal(10, Duration.ofSeconds(30)).orElseThrow();
        client.append(uploads(10, 25));
        SignedCheckpoint second = node.awaitFinal(25, Duration.ofSeconds(30)).orElseThrow();

        HttpResponse<String> checkpoint = get("/checkpoint");
        assertEquals(200, checkpoint.statusCode());
        SignedCheckpoint served = SignedCheckpoint.parse(checkpoint.body(), 32);
        served.verifyQuorum(consortium.directory().verifiers(), consortium.quorum());
        assertEquals(second.checkpoint(), served.checkpoint());
        assertEquals(checkpoint.body(), get("/api/v1/audit/checkpoint").body(), "the service's path too");

        long from = first.checkpoint().size();
        long to = second.checkpoint().size();
        JsonNode consistency = JSON.readTree(get("/api/v1/audit/proofs/consistency?from=" + from + "&to=" + to)
                .body());
        List<byte[]> hashes = new ArrayList<>();
        consistency.path("proof").forEach(h -> hashes.add(Base64.getDecoder().decode(h.asText())));
        new ConsistencyProof(from, to, hashes)
                .verify(
                        node.log().hasher(),
                        first.checkpoint().rootHash(),
                        second.checkpoint().rootHash());

        // a regulator proves an entry against the checkpoint it pinned (the first), by its size
        JsonNode receipt = JSON.readTree(
                get("/api/v1/audit/proofs/inclusion?index=3&size=" + from).body());
        assertEquals(from, receipt.path("treeSize").asLong());
        List<byte[]> path = new ArrayList<>();
        receipt.path("inclusionProof").forEach(h -> path.add(Base64.getDecoder().decode(h.asText())));
        new InclusionProof(
                        3,
                        from,
                        Base64.getDecoder().decode(receipt.path("leafHash").asText()),
                        path)
                .verify(node.log().hasher(), first.checkpoint().rootHash());
        assertEquals(
                first.checkpoint(),
                SignedCheckpoint.parse(receipt.path("checkpoint").asText(), 32).checkpoint());

        JsonNode health = JSON.readTree(get("/health").body());
        assertEquals("hospital-a", health.path("organisation").asText());
        assertEquals(25, health.path("entries").asLong());
        assertEquals(25, health.path("finalSize").asLong());
    }

    @Test
    void refusesWritesAndBadParametersWithProblemDetails() throws Exception {
        client.append(uploads(0, 5));
        node.awaitFinal(5, Duration.ofSeconds(30)).orElseThrow();

        HttpResponse<String> post = web.send(
                HttpRequest.newBuilder(URI.create(base + "/checkpoint"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(
                "application/problem+json",
                post.headers().firstValue("Content-Type").orElseThrow());

        for (String bad : List.of(
                "/api/v1/audit/proofs/consistency?from=3",
                "/api/v1/audit/proofs/consistency?from=4&to=2",
                "/api/v1/audit/proofs/consistency?from=0&to=99",
                "/api/v1/audit/proofs/consistency?from=x&to=2",
                "/api/v1/audit/proofs/consistency?from=1&from=2&to=3",
                "/api/v1/audit/proofs/inclusion?index=-1",
                "/api/v1/audit/proofs/inclusion?index=7&size=5")) {
            HttpResponse<String> answer = get(bad);
            assertEquals(400, answer.statusCode(), bad);
            JsonNode problem = JSON.readTree(answer.body());
            assertEquals(400, problem.path("status").asInt(), bad);
            assertTrue(problem.path("detail").asText().length() > 5, bad);
        }
        assertEquals(404, get("/api/v1/audit/proofs/inclusion?index=2&size=4").statusCode(), "no final of size 4");
        assertEquals(404, get("/api/v1/audit/proofs/inclusion?index=9").statusCode(), "no final covers entry 9");
        assertEquals(404, get("/etc/passwd").statusCode());
    }
}
