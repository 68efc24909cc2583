package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.checkpoint.SignedNote;
import org.medshare.ledger.replication.GroupClient;

/**
 * A node's witness through the C2SP tlog-witness {@code add-checkpoint} request, driven by a client written from the
 * specification (this test plays the log: the nodes propose nothing themselves here): a consistent checkpoint signed
 * by a member gets the witness's cosignature line; every refusal the specification names gets its status and
 * changes nothing; cosignatures from a quorum of witnesses make the checkpoint final at every node.
 */
class WitnessHttpTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final HttpClient WEB = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    Nodes nodes;
    GroupClient client;

    @BeforeEach
    void start() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        nodes.checkpointInterval = Duration.ofHours(1);
        nodes.startAll();
        Consortium c = nodes.consortium;
        client = GroupClient.connect(c.groupId(), c.raftPeers(), Duration.ofSeconds(3), Duration.ofSeconds(30));
        client.append(Nodes.encoded(Nodes.uploads(0, 10)));
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        nodes.close();
    }

    /** The note of the log at {@code size} (from hospital-a's copy), signed by {@code signer}. */
    private String note(long size, CheckpointSigner signer) throws Exception {
        ConsortiumNode a = nodes.running.get("hospital-a");
        assertTrue(a.log().size() >= size || awaitSize(a, size));
        String text = new Checkpoint(nodes.consortium.origin(), size, a.log().root(size)).format();
        return SignedNote.sign(text, signer).format();
    }

    private static boolean awaitSize(ConsortiumNode node, long size) throws InterruptedException {
        for (int i = 0; i < 500 && node.log().size() < size; i++) {
            Thread.sleep(10);
        }
        return node.log().size() >= size;
    }

    private CheckpointSigner member(String organisation) {
        return CosignatureV1.cosigner(nodes.keys.get(organisation), Clock.systemUTC());
    }

    private List<byte[]> proof(long from, long to) {
        return nodes.running.get("hospital-a").log().consistencyProof(from, to).hashes();
    }

    private HttpResponse<String> post(String organisation, String body) throws Exception {
        Consortium.Member m = nodes.consortium.member(organisation);
        return WEB.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + m.http().getPort() + "/add-checkpoint"))
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String request(long old, List<byte[]> proof, String note) {
        return new AddCheckpointRequest(old, proof, note).format();
    }

    @Test
    void aConsistentCheckpointGetsACosignatureAndAQuorumMakesItFinalEverywhere() throws Exception {
        String note = note(10, member("hospital-a"));
        HttpResponse<String> b = post("hospital-b", request(0, List.of(), note));
        assertEquals(200, b.statusCode(), b.body());
        // the client merges the answer into its note and checks it with the witness's key, as the spec suggests
        SignedCheckpoint merged = SignedCheckpoint.parse(note + b.body(), 32);
        assertEquals(
                List.of("hospital-a", "hospital-b"),
                merged
                        .verify(List.of(
                                nodes.consortium.member("hospital-a").key(),
                                nodes.consortium.member("hospital-b").key()))
                        .stream()
                        .map(v -> v.keyName())
                        .toList());

        // the same old size again: hospital-b last cosigned 10, so 409 with that size
        HttpResponse<String> stale = post("hospital-b", request(0, List.of(), note));
        assertEquals(409, stale.statusCode());
        assertEquals(
                ConsortiumNode.SIZE_CONTENT_TYPE,
                stale.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("10\n", stale.body());

        HttpResponse<String> c = post("regulator-nhc", request(0, List.of(), note));
        assertEquals(200, c.statusCode(), c.body());
        for (ConsortiumNode node : nodes.running.values()) {
            assertEquals(
                    10,
                    node.awaitFinal(10, Duration.ofSeconds(30))
                            .orElseThrow()
                            .checkpoint()
                            .size());
        }

        // the next checkpoint from the size it cosigned, with the consistency proof
        client.append(Nodes.encoded(Nodes.uploads(10, 15)));
        String next15 = note(15, member("hospital-a")); // waits until hospital-a's copy holds the 15 entries
        HttpResponse<String> next = post("hospital-b", request(10, proof(10, 15), next15));
        assertEquals(200, next.statusCode(), next.body());
    }

    @Test
    void everyRefusalOfTheSpecificationHasItsStatusAndChangesNothing() throws Exception {
        String note = note(10, member("hospital-a"));

        assertEquals(400, post("hospital-b", "old 01\n\n" + note).statusCode(), "leading zero");
        assertEquals(400, post("hospital-b", "old 0\n" + note).statusCode(), "no empty line");
        assertEquals(400, post("hospital-b", "old 0\nnot base64!\n\n" + note).statusCode());
        assertEquals(400, post("hospital-b", request(11, List.of(), note)).statusCode(), "old above the size");
        List<byte[]> tooLong = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            tooLong.add(new byte[32]);
        }
        String manyLines = "old 5\n"
                + tooLong.stream()
                        .map(h -> Base64.getEncoder().encodeToString(h) + "\n")
                        .reduce("", String::concat)
                + "\n" + note;
        assertEquals(400, post("hospital-b", manyLines).statusCode(), "64 proof lines");

        String otherOrigin = SignedNote.sign(
                        new Checkpoint("other.example/log", 10, new byte[32]).format(), member("hospital-a"))
                .format();
        assertEquals(404, post("hospital-b", request(0, List.of(), otherOrigin)).statusCode());

        String byStranger = note(10, CosignatureV1.cosigner(NoteKeys.generateEd25519("hospital-a"), Clock.systemUTC()));
        assertEquals(403, post("hospital-b", request(0, List.of(), byStranger)).statusCode());
        String plainLine = note(10, nodes.keys.get("hospital-a"));
        assertEquals(403, post("hospital-b", request(0, List.of(), plainLine)).statusCode(), "not a cosignature");

        // a root this witness's own copy does not have
        String forged = SignedNote.sign(
                        new Checkpoint(nodes.consortium.origin(), 10, new byte[32]).format(), member("hospital-a"))
                .format();
        assertEquals(409, post("hospital-b", request(0, List.of(), forged)).statusCode());

        // nothing above changed the witness: a consistent request from 0 is still taken
        assertEquals(
                200,
                post("hospital-b", request(0, List.of(), note(5, member("hospital-a"))))
                        .statusCode());
        // and from 5 a forged proof fails (422), a wrong old size gets 409 with 5
        List<byte[]> bad = new ArrayList<>(proof(5, 10));
        bad.set(0, new byte[32]);
        assertEquals(422, post("hospital-b", request(5, bad, note)).statusCode());
        HttpResponse<String> wrongOld = post("hospital-b", request(3, proof(3, 10), note));
        assertEquals(409, wrongOld.statusCode());
        assertEquals("5\n", wrongOld.body());
        // the same size with another root: 409
        String sameSizeOtherRoot = SignedNote.sign(
                        new Checkpoint(nodes.consortium.origin(), 5, new byte[32]).format(), member("hospital-a"))
                .format();
        assertEquals(
                409,
                post("hospital-b", request(5, List.of(), sameSizeOtherRoot)).statusCode());
        assertEquals(200, post("hospital-b", request(5, proof(5, 10), note)).statusCode());

        HttpResponse<String> get = WEB.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                + nodes.consortium.member("hospital-b").http().getPort() + "/add-checkpoint"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, get.statusCode());
        assertTrue(new String(get.body().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).contains("POST"));
    }
}
