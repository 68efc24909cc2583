package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/** Three organisations' nodes in one JVM on loopback, fed by a client that is not a member. */
class ConsortiumNodeTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    Nodes nodes;
    GroupClient client;

    @AfterEach
    void stop() throws IOException {
        if (client != null) {
            client.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    @Test
    void entriesFromAClientBecomeFinalAtEveryNodeAndSurviveOneNodeDown() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        Consortium consortium = nodes.consortium;
        nodes.startAll();
        client = GroupClient.connect(
                consortium.groupId(), consortium.raftPeers(), Duration.ofSeconds(3), Duration.ofSeconds(30));
        assertEquals(0, client.append(Nodes.encoded(Nodes.uploads(0, 40))));
        assertEquals(40, client.append(Nodes.encoded(Nodes.uploads(40, 60))));
        long before = Instant.now().getEpochSecond();
        for (ConsortiumNode node : nodes.running.values()) {
            SignedCheckpoint cp = node.awaitFinal(60, WAIT).orElseThrow();
            assertTrue(cp.verify(consortium.directory().verifiers()).size() >= 2, node.organisation());
            // each line is a C2SP cosignature/v1 (timestamped, under the member's type-0x04 key), and only that
            for (NoteSignature line : cp.note().signatures()) {
                NoteVerifier key = NoteKeys.parseVerifier(
                        consortium.member(line.keyName()).key().encode());
                assertTrue(CosignatureV1.isCosignatureKey(key));
                assertEquals(key.keyId(), line.keyId());
                long stamped = CosignatureV1.timestampOf(line.signature());
                assertTrue(stamped >= before - 5 && stamped <= Instant.now().getEpochSecond(), "time " + stamped);
                assertTrue(key.verify(cp.note().text().getBytes(StandardCharsets.UTF_8), line.signature()));
            }
        }

        // one organisation's node down: the other two still make checkpoints final
        String down = nodes.running.values().stream()
                .filter(n -> !n.isLeader())
                .findFirst()
                .orElseThrow()
                .organisation();
        nodes.stop(down);
        assertEquals(60, client.append(Nodes.encoded(Nodes.uploads(60, 90))));
        for (ConsortiumNode node : nodes.running.values()) {
            assertEquals(
                    90, node.awaitFinal(90, WAIT).orElseThrow().checkpoint().size(), node.organisation());
        }

        // back on its own directory it catches up and stores the finals it missed
        ConsortiumNode back = nodes.start(down);
        assertEquals(90, back.awaitFinal(90, WAIT).orElseThrow().checkpoint().size());

        nodes.close();
        for (String org : ORGANISATIONS) {
            VerificationReport report = LedgerVerifier.verify(
                    nodes.ledgerDir(org), consortium.directory().verifiers(), consortium.quorum(), List.of(0L, 89L));
            assertTrue(report.ok(), org + ": " + report.summary());
            assertEquals(90, report.coveredEntries(), org);
        }
    }

    @Test
    void aNodeStartsOnlyWithItsOwnListedKey() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        CheckpointSigner stranger = NoteKeys.generateEd25519("hospital-a");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumNode.start(
                        nodes.consortium, "hospital-a", stranger, dir, Duration.ofMillis(100), Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("not the one the consortium file lists"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> ConsortiumNode.start(
                        nodes.consortium, "insurer-x", stranger, dir, Duration.ofMillis(100), Duration.ofMillis(500)));
    }

    @Test
    void withoutAQuorumUpNothingIsAppendedOrFinal() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        ConsortiumNode alone = nodes.start("hospital-a");
        try (GroupClient impatient = GroupClient.connect(
                nodes.consortium.groupId(),
                nodes.consortium.raftPeers(),
                Duration.ofMillis(500),
                Duration.ofSeconds(2))) {
            assertThrows(IOException.class, () -> impatient.append(Nodes.encoded(Nodes.uploads(0, 1))));
        }
        assertTrue(alone.latestFinal().isEmpty());
        assertEquals(0, alone.log().size());
    }
}
