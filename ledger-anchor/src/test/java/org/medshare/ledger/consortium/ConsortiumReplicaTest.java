package org.medshare.ledger.consortium;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.LedgerUnavailableException;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/** The service's replica: a client of three organisations' nodes whose every checkpoint is the members' final one. */
class ConsortiumReplicaTest {
    static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator-nhc");
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ConsortiumReplica.Timing TIMING =
            new ConsortiumReplica.Timing(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofMillis(50));

    @TempDir
    Path dir;

    Nodes nodes;
    ConsortiumReplica replica;

    @AfterEach
    void stop() throws IOException {
        if (replica != null) {
            replica.close();
        }
        if (nodes != null) {
            nodes.close();
        }
    }

    ConsortiumReplica openReplica() throws Exception {
        replica = ConsortiumReplica.open(nodes.consortium, dir.resolve("service-ledger"), TIMING);
        return replica;
    }

    @Test
    void appendsGoThroughTheGroupAndEveryCheckpointHereIsTheMembersFinalOne() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        nodes.startAll();
        openReplica();

        ExecutorService callers = Executors.newFixedThreadPool(8);
        List<Future<List<Receipt>>> calls = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            int from = c * 5;
            calls.add(callers.submit(() -> replica.appendAll(Nodes.uploads(from, from + 5))));
        }
        List<Long> indexes = new ArrayList<>();
        for (Future<List<Receipt>> call : calls) {
            List<Receipt> receipts = call.get();
            assertEquals(5, receipts.size());
            for (int i = 1; i < 5; i++) {
                assertEquals(receipts.get(0).index() + i, receipts.get(i).index(), "one caller's events stay together");
            }
            receipts.forEach(r -> indexes.add(r.index()));
        }
        callers.shutdown();
        assertEquals(200, indexes.stream().distinct().count());
        assertEquals(200, replica.log().size());

        SignedCheckpoint covering = replica.log().awaitCheckpoint(199, WAIT);
        covering.verifyQuorum(nodes.consortium.directory().verifiers(), nodes.consortium.quorum());
        for (SignedCheckpoint cp : replica.log().checkpoints()) {
            cp.verifyQuorum(nodes.consortium.directory().verifiers(), nodes.consortium.quorum());
        }
        for (String org : ORGANISATIONS) {
            ConsortiumNode node = nodes.running.get(org);
            assertTrue(node.awaitFinal(200, WAIT).isPresent(), org);
            for (long i : List.of(0L, 117L, 199L)) {
                assertArrayEquals(
                        replica.log().readEncoded(i), node.log().readEncoded(i), org + " holds the same entry " + i);
            }
        }
        replica.close();
        replica = null;
        VerificationReport report = LedgerVerifier.verify(
                dir.resolve("service-ledger"),
                nodes.consortium.directory().verifiers(),
                nodes.consortium.quorum(),
                List.of(0L));
        assertTrue(report.ok(), report.summary());
    }

    @Test
    void entriesTheGroupHoldsBeyondThisCopyAreFetchedBeforeTheNextAppend() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        nodes.startAll();
        openReplica();
        assertEquals(0, replica.appendAll(Nodes.uploads(0, 3)).get(0).index());
        // committed by the group but never appended here (as if this process died between the two)
        try (GroupClient other = GroupClient.connect(
                nodes.consortium.groupId(),
                nodes.consortium.raftPeers(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(20))) {
            assertEquals(3, other.append(Nodes.encoded(Nodes.uploads(3, 10))));
        }
        assertEquals(10, replica.appendAll(Nodes.uploads(10, 11)).get(0).index());
        assertEquals(11, replica.log().size());
        assertEquals(
                EventCodec.encode(Nodes.uploads(7, 8).get(0)).length,
                replica.log().readEncoded(7).length);
        replica.log().awaitCheckpoint(10, WAIT);

        // a fresh copy (a lost data directory) is rebuilt from the nodes up to their final checkpoint at open
        ConsortiumReplica fresh = ConsortiumReplica.open(nodes.consortium, dir.resolve("fresh"), TIMING);
        try {
            assertEquals(11, fresh.log().size());
            assertEquals(11, fresh.log().latestCheckpoint().checkpoint().size());
        } finally {
            fresh.close();
        }
    }

    @Test
    void withAQuorumDownAppendsAreRefusedAndNothingIsAppendedHere() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        nodes.startAll();
        openReplica();
        replica.appendAll(Nodes.uploads(0, 2));
        replica.log().awaitCheckpoint(1, WAIT);
        nodes.stop("hospital-b");
        nodes.stop("regulator-nhc");
        long start = System.nanoTime();
        LedgerUnavailableException refused =
                assertThrows(LedgerUnavailableException.class, () -> replica.appendAll(Nodes.uploads(2, 3)));
        assertTrue(refused.getMessage().contains("quorum"), refused.getMessage());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(20)) < 0);
        assertEquals(2, replica.log().size(), "nothing is acknowledged or stored without the group");

        // the organisations come back: appends go on
        nodes.start("hospital-b");
        nodes.start("regulator-nhc");
        long index = -1;
        for (int attempt = 0; attempt < 5 && index < 0; attempt++) {
            try {
                index = replica.appendAll(Nodes.uploads(3, 4)).get(0).index();
            } catch (LedgerUnavailableException e) {
                // the group is still electing
            }
        }
        assertTrue(index >= 2, "an append succeeds once a quorum is back");
        replica.log().awaitCheckpoint(index, WAIT);
    }

    private CheckpointSigner cosigner(String organisation) {
        return CosignatureV1.cosigner(nodes.keys.get(organisation), Clock.systemUTC());
    }

    @Test
    void aNodePresentingAForgedFinalCheckpointIsASplitViewAndNothingIsRecorded() throws Exception {
        nodes = new Nodes(dir, ORGANISATIONS);
        nodes.startAll();
        openReplica();
        replica.appendAll(Nodes.uploads(0, 2));
        long covered = replica.log().awaitCheckpoint(1, WAIT).checkpoint().size();

        // the nodes keep running, but only hospital-b's read view answers, and it presents a checkpoint of the
        // next size that two members signed over a root the log does not have
        for (String org : ORGANISATIONS) {
            nodes.http.remove(org).close();
        }
        HttpServer liar = HttpServer.create(
                new InetSocketAddress(
                        "127.0.0.1",
                        nodes.consortium.member("hospital-b").http().getPort()),
                8);
        AtomicLong forgedSize = new AtomicLong(4);
        liar.createContext("/checkpoint", exchange -> {
            try {
                Checkpoint forged = new Checkpoint(nodes.consortium.origin(), forgedSize.get(), new byte[32]);
                SignedCheckpoint signed = SignedCheckpoint.sign(forged, cosigner("hospital-a"))
                        .withSignatures(SignedCheckpoint.sign(forged, cosigner("hospital-b"))
                                .note()
                                .signatures());
                byte[] body = signed.format().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } catch (GeneralSecurityException e) {
                exchange.sendResponseHeaders(500, -1);
            } finally {
                exchange.close();
            }
        });
        liar.start();
        try {
            assertEquals(3, replica.appendAll(Nodes.uploads(2, 4)).get(1).index());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (replica.splitView().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String why = replica.splitView().orElseThrow();
            assertTrue(why.contains("hospital-b"), why);
            assertEquals(covered, replica.log().latestCheckpoint().checkpoint().size(), "the forgery is not recorded");
        } finally {
            liar.stop(0);
        }
    }
}
