package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/** Three organisations' nodes in one JVM on loopback, fed by a client that is not a member. */
class ConsortiumNodeTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    final Map<String, CheckpointSigner> keys = new LinkedHashMap<>();
    final Map<String, ConsortiumNode> nodes = new LinkedHashMap<>();
    GroupClient client;
    Consortium consortium;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    Consortium consortium() throws Exception {
        StringBuilder text =
                new StringBuilder("origin medshare.test/consortium\ngroup " + UUID.randomUUID() + "\nsuite nist\n");
        for (String org : ORGANISATIONS) {
            keys.put(org, NoteKeys.generateEd25519(org));
            text.append("member ")
                    .append(org)
                    .append(" 127.0.0.1:")
                    .append(freePort())
                    .append(" 127.0.0.1:")
                    .append(freePort())
                    .append(' ')
                    .append(keys.get(org).verifier().encode())
                    .append('\n');
        }
        return Consortium.parse(text.toString());
    }

    ConsortiumNode start(String org) throws Exception {
        ConsortiumNode node = ConsortiumNode.start(
                consortium, org, keys.get(org), dir.resolve(org), Duration.ofMillis(100), Duration.ofMillis(500));
        nodes.put(org, node);
        return node;
    }

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        for (ConsortiumNode n : nodes.values()) {
            n.close();
        }
    }

    static List<byte[]> uploads(int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(EventCodec.encode(Event.upload(
                    1_764_000_000_000L + i,
                    ORGANISATIONS.get(i % 2),
                    "rec-" + i,
                    SaltedHash.sha256(("content-" + i).getBytes(StandardCharsets.UTF_8)),
                    SaltedHash.sha256(("policy-" + i).getBytes(StandardCharsets.UTF_8)))));
        }
        return out;
    }

    @Test
    void entriesFromAClientBecomeFinalAtEveryNodeAndSurviveOneNodeDown() throws Exception {
        consortium = consortium();
        for (String org : ORGANISATIONS) {
            start(org);
        }
        client = GroupClient.connect(
                consortium.groupId(), consortium.raftPeers(), Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(0, client.append(uploads(0, 40)));
        assertEquals(40, client.append(uploads(40, 60)));
        for (ConsortiumNode node : nodes.values()) {
            SignedCheckpoint cp = node.awaitFinal(60, WAIT).orElseThrow();
            assertTrue(cp.verify(consortium.directory().verifiers()).size() >= 2, node.organisation());
        }

        // one organisation's node down: the other two still make checkpoints final
        String down = nodes.values().stream()
                .filter(n -> !n.isLeader())
                .findFirst()
                .orElseThrow()
                .organisation();
        nodes.remove(down).close();
        assertEquals(60, client.append(uploads(60, 90)));
        for (ConsortiumNode node : nodes.values()) {
            assertEquals(
                    90, node.awaitFinal(90, WAIT).orElseThrow().checkpoint().size(), node.organisation());
        }

        // back on its own directory it catches up and stores the finals it missed
        ConsortiumNode back = start(down);
        assertEquals(90, back.awaitFinal(90, WAIT).orElseThrow().checkpoint().size());

        for (ConsortiumNode node : nodes.values()) {
            node.close();
        }
        nodes.clear();
        for (String org : ORGANISATIONS) {
            VerificationReport report = LedgerVerifier.verify(
                    dir.resolve(org).resolve("ledger"),
                    consortium.directory().verifiers(),
                    consortium.quorum(),
                    List.of(0L, 89L));
            assertTrue(report.ok(), org + ": " + report.summary());
            assertEquals(90, report.coveredEntries(), org);
        }
    }

    @Test
    void aNodeStartsOnlyWithItsOwnListedKey() throws Exception {
        consortium = consortium();
        CheckpointSigner stranger = NoteKeys.generateEd25519("hospital-a");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumNode.start(
                        consortium, "hospital-a", stranger, dir, Duration.ofMillis(100), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("not the one the consortium file lists"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumNode.start(
                        consortium, "insurer-x", stranger, dir, Duration.ofMillis(100), Duration.ofMillis(500)));
    }

    @Test
    void withoutAQuorumUpNothingIsAppendedOrFinal() throws Exception {
        consortium = consortium();
        ConsortiumNode alone = start("hospital-a");
        // no quorum can form with one node up: nothing is appended and nothing is final
        GroupClient impatient = GroupClient.connect(
                consortium.groupId(), consortium.raftPeers(), Duration.ofMillis(500), Duration.ofSeconds(2));
        try {
            assertThrows(IOException.class, () -> impatient.append(uploads(0, 1)));
        } finally {
            impatient.close();
        }
        assertTrue(alone.latestFinal().isEmpty());
        assertEquals(0, alone.log().size());
    }
}
