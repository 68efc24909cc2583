package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.tiles.TileVerifier;
import org.medshare.ledger.tiles.VerifiedTree;

/** A one-member consortium's node behind its read-only HTTP view, read as a regulator's tools read it. */
class NodeHttpTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Nodes nodes;
    ConsortiumNode node;
    GroupClient client;
    String base;
    final HttpClient web = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        nodes = new Nodes(dir, List.of("hospital-a"));
        node = nodes.start("hospital-a");
        base = "http://127.0.0.1:"
                + nodes.consortium.member("hospital-a").http().getPort();
        client = GroupClient.connect(
                nodes.consortium.groupId(),
                nodes.consortium.raftPeers(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        nodes.close();
    }

    HttpResponse<String> get(String path) throws Exception {
        return web.send(
                HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static List<byte[]> uploads(int from, int to) {
        return Nodes.encoded(Nodes.uploads(from, to));
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
        served.verifyQuorum(nodes.consortium.directory().verifiers(), nodes.consortium.quorum());
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

        HttpResponse<byte[]> entry = web.send(
                HttpRequest.newBuilder(URI.create(base + "/entries/24")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, entry.statusCode());
        assertArrayEquals(uploads(24, 25).get(0), entry.body(), "the entry's canonical encoding, as stored");

        // a client written from C2SP tlog-tiles reads the same tree from /checkpoint and the tiles alone
        TileVerifier tiles = new TileVerifier(
                nodes.consortium.origin(),
                node.log().hasher(),
                nodes.consortium.directory().verifiers(),
                tilePath -> {
                    HttpResponse<byte[]> answer;
                    try {
                        answer = web.send(
                                HttpRequest.newBuilder(URI.create(base + "/" + tilePath))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                    } catch (InterruptedException e) {
                        throw new IOException(e);
                    }
                    if (answer.statusCode() == 404) {
                        throw new FileNotFoundException(tilePath);
                    }
                    return answer.body();
                });
        VerifiedTree tree = tiles.latest();
        assertEquals(25, tree.size());
        assertArrayEquals(second.checkpoint().rootHash(), tree.root());
        assertArrayEquals(uploads(17, 18).get(0), tree.entry(17));

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
        assertEquals(404, get("/entries/5").statusCode(), "the node holds entries 0..4");
        assertEquals(400, get("/entries/-1").statusCode());
        assertEquals(400, get("/entries/one").statusCode());
        assertEquals(400, get("/tile/0/x000/001").statusCode(), "a malformed tile path");
        assertEquals(404, get("/tile/0/000").statusCode(), "no full tile of 256 entries in a tree of 5");
        assertEquals(200, get("/tile/0/000.p/5").statusCode());
    }
}
