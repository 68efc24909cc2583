package org.medshare.client.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.verify.TrustedKeys;

/**
 * {@code medshare audit watch} against two nodes (CLI-contract doubles) that serve checkpoints and consistency
 * proofs of real logs: honest growth passes across runs; a split view, a rewritten log and a size going
 * backwards each exit 1 naming both notes.
 */
class AuditWatchTest {
    @TempDir
    Path dir;

    FakeMedshare nodeA;
    FakeMedshare nodeB;
    Path token;
    Path keys;
    Path store;
    CheckpointSigner member;
    final List<AuditLog> logs = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        nodeA = new FakeMedshare();
        nodeB = new FakeMedshare();
        String access = nodeA.tokenFor("rita");
        nodeB.acceptToken(access, "rita");
        token = Files.writeString(dir.resolve("token"), access);
        member = LedgerSuite.NIST.generateSigner("node-1.test");
        keys = dir.resolve("members.keys");
        TrustedKeys.write(keys, List.of(member.verifier()));
        store = dir.resolve("seen");
    }

    @AfterEach
    void tearDown() throws Exception {
        nodeA.close();
        nodeB.close();
        for (AuditLog log : logs) {
            log.close();
        }
    }

    @Test
    void honestGrowthIsKeptAcrossRunsAndASplitViewIsNamed() throws Exception {
        AuditLog log = log("honest", 0, 8);
        serve(nodeA, log);
        serve(nodeB, log);
        Result first = watch(List.of(nodeA, nodeB));
        assertEquals(0, first.code(), first.toString());
        assertTrue(first.out().contains("size 8 root "), first.out());
        assertTrue(first.out().contains("(new, kept)") && first.out().contains("(seen)"), first.out());
        Uploads.append(log, 8, 12);
        serve(nodeA, log);
        serve(nodeB, log);
        Result grown = watch(List.of(nodeA, nodeB));
        assertEquals(0, grown.code(), grown.toString());
        assertTrue(Files.exists(store.resolve("8.note")) && Files.exists(store.resolve("12.note")));

        AuditLog forked = log("forked", 0, 3);
        Uploads.append(forked, 100, 101);
        Uploads.append(forked, 4, 12);
        serve(nodeB, forked);
        Result split = watch(List.of(nodeA, nodeB));
        assertEquals(1, split.code(), split.toString());
        assertTrue(split.err().contains("split view at size 12: " + store.resolve("12.note") + " and "), split.err());
        try (var files = Files.list(store)) {
            assertEquals(
                    1,
                    files.filter(f -> f.getFileName().toString().startsWith("12.conflict-"))
                            .count());
        }
    }

    @Test
    void aRewrittenLogThatGrewCannotProveConsistencyWithWhatWasKept() throws Exception {
        AuditLog log = log("honest", 0, 10);
        serve(nodeA, log);
        assertEquals(0, watch(List.of(nodeA)).code());

        AuditLog rewritten = log("rewritten", 0, 2);
        Uploads.append(rewritten, 200, 201);
        Uploads.append(rewritten, 3, 16);
        serve(nodeA, rewritten);
        Result caught = watch(List.of(nodeA));
        assertEquals(1, caught.code(), caught.toString());
        assertTrue(caught.err().contains("checkpoint of size 16 ("), caught.err());
        assertTrue(caught.err().contains("is not consistent with " + store.resolve("10.note")), caught.err());
        assertFalse(Files.exists(store.resolve("16.note")), "a contradicting note is evidence, not a pin");
    }

    @Test
    void aNodeGoingBackwardsOrSigningWithAnUnknownKeyFails() throws Exception {
        AuditLog log = log("honest", 0, 6);
        String small = log.checkpointNow().format();
        Uploads.append(log, 6, 9);
        String large = log.checkpointNow().format();
        nodeA.serveConsistencyProofs((from, to) -> proof(log, from, to));
        Iterator<String> sequence = List.of(large, small).iterator();
        nodeA.serveCheckpoints(sequence::next);
        Result backwards = watch(List.of(nodeA), "--rounds", "2", "--every", "1");
        assertEquals(1, backwards.code(), backwards.toString());
        assertTrue(
                backwards.err().contains("went backwards: size 9 (" + store.resolve("9.note") + ") then 6 ("),
                backwards.err());

        CheckpointSigner stranger = LedgerSuite.NIST.generateSigner("node-1.test");
        Path strangerKeys = dir.resolve("stranger.keys");
        TrustedKeys.write(strangerKeys, List.of(stranger.verifier()));
        nodeA.serveCheckpoint(large);
        Result unknown = Cli.run(
                "audit",
                "watch",
                "--token-file",
                token.toString(),
                "--nodes",
                nodeA.base().toString(),
                "--keys",
                strangerKeys.toString(),
                "--store",
                store.toString(),
                "--rounds",
                "1");
        assertEquals(1, unknown.code(), unknown.toString());
        assertTrue(unknown.err().contains("carries no signature from a trusted key"), unknown.err());
        assertEquals(2, watch(List.of(nodeA), "--rounds", "-1").code());
    }

    /** {@code audit watch} of {@code nodes} with {@code more} options (default: one round). */
    private Result watch(List<FakeMedshare> nodes, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "audit",
                "watch",
                "--token-file",
                token.toString(),
                "--keys",
                keys.toString(),
                "--store",
                store.toString(),
                "--nodes"));
        nodes.forEach(n -> args.add(n.base().toString()));
        args.addAll(more.length == 0 ? List.of("--rounds", "1") : List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void serve(FakeMedshare node, AuditLog log) throws Exception {
        node.serveCheckpoint(log.checkpointNow().format());
        node.serveConsistencyProofs((from, to) -> proof(log, from, to));
    }

    private static List<String> proof(AuditLog log, long from, long to) {
        if (to > log.size()) {
            return null;
        }
        return log.consistencyProof(from, to).hashes().stream()
                .map(Base64.getEncoder()::encodeToString)
                .toList();
    }

    private AuditLog log(String name, int from, int to) throws Exception {
        AuditLog log = AuditLog.open(
                dir.resolve(name),
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", member)
                        .build());
        logs.add(log);
        Uploads.append(log, from, to);
        return log;
    }
}
