package org.medshare.ledger.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignatureVerificationException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.contract.RevertReason;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.testing.FreePorts;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/**
 * Three members on 127.0.0.1 in one JVM (separate Ratis servers, gRPC on free
 * ports): replication, witness cosigning with quorum 2, leader failover, catch-up
 * of a restarted member, and refusal of a lying leader.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplicationClusterTest {
    static final String ORIGIN = "medshare.test/replicated";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<String> IDS = List.of("m1", "m2", "m3");

    @TempDir
    Path dir;

    final Map<String, LedgerMember> running = new LinkedHashMap<>();
    final Map<String, MemberConfig> configs = new LinkedHashMap<>();
    final Map<String, MemberKey> keys = new LinkedHashMap<>();
    final List<IncentiveContract> contracts = new ArrayList<>();
    static final EvmAddress OPERATOR = EvmAddress.parse("0x00000000000000000000000000000000000000f0");
    static final EvmAddress INSURER = EvmAddress.parse("0x00000000000000000000000000000000000000e1");
    static final EvmAddress H1 = EvmAddress.parse("0x00000000000000000000000000000000000000a1");
    static final EvmAddress H2 = EvmAddress.parse("0x00000000000000000000000000000000000000a2");

    @AfterEach
    void stopAll() {
        for (LedgerMember m : running.values()) {
            try {
                m.close();
            } catch (IOException | RuntimeException ignored) {
                // best effort in teardown
            }
        }
        contracts.forEach(IncentiveContract::close);
    }

    final Map<String, CheckpointSigner> signers = new LinkedHashMap<>();

    void configure() throws Exception {
        configure(LedgerSuite.NIST);
    }

    /** Members whose keys (of {@code suite}) also sign their own audit logs' checkpoints. */
    void configure(LedgerSuite suite) throws Exception {
        Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        Map<String, NoteVerifier> publicKeys = new LinkedHashMap<>();
        int[] ports = FreePorts.distinct(IDS.size());
        for (int i = 0; i < IDS.size(); i++) {
            String id = IDS.get(i);
            peers.put(id, new InetSocketAddress("127.0.0.1", ports[i]));
            signers.put(id, suite.generateSigner(id));
            keys.put(id, MemberKey.of(id, signers.get(id)));
            publicKeys.put(id, keys.get(id).verifier());
        }
        MemberDirectory directory = new MemberDirectory(publicKeys);
        UUID group = UUID.nameUUIDFromBytes("medshare-replication-test".getBytes(StandardCharsets.UTF_8));
        for (String id : IDS) {
            configs.put(
                    id,
                    new MemberConfig(
                            id,
                            peers,
                            group,
                            dir.resolve(id),
                            ORIGIN,
                            2,
                            keys.get(id),
                            directory,
                            Duration.ofMillis(1500)));
        }
    }

    void start(String id) throws IOException {
        start(id, new InMemoryMemberLog());
    }

    void start(String id, MemberLog log) throws IOException {
        IncentiveContract genesis = IncentiveContract.deploy(OPERATOR, BigInteger.valueOf(350_000), false);
        contracts.add(genesis);
        running.put(id, LedgerMember.start(configs.get(id), log, genesis));
    }

    void assertSameContractState(byte[] expectedRoot) throws InterruptedException {
        for (LedgerMember m : running.values()) {
            IncentiveContract c = m.contract().orElseThrow();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!Arrays.equals(expectedRoot, c.stateRoot()) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertArrayEquals(expectedRoot, c.stateRoot(), m.memberId() + " contract state root");
            assertEquals(BigInteger.valueOf(14), c.balanceOf(H1), m.memberId());
            assertEquals(BigInteger.valueOf(21), c.balanceOf(H2), m.memberId());
            assertEquals(BigInteger.valueOf(965), c.escrowOf(INSURER), m.memberId());
        }
    }

    LedgerMember leader() throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (LedgerMember m : running.values()) {
                if (m.isLeader()) {
                    return m;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no leader elected within " + WAIT);
    }

    static List<byte[]> batch(String prefix, int count) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add((prefix + "-" + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    void assertAllHold(long size) throws InterruptedException {
        byte[] root = null;
        for (LedgerMember m : running.values()) {
            assertTrue(m.awaitSize(size, WAIT), m.memberId() + " did not reach size " + size);
            assertEquals(size, m.log().size(), m.memberId());
            if (root == null) {
                root = m.log().root(size);
            } else {
                assertArrayEquals(root, m.log().root(size), m.memberId() + " root differs");
            }
        }
    }

    @Test
    void replicatesWitnessesSurvivesLeaderLossCatchesUpAndRefusesALyingLeader() throws Exception {
        configure();
        for (String id : IDS) {
            start(id);
        }
        LedgerMember entry = running.get("m1");

        // 1. batches are replicated to every member in the same order
        assertEquals(0, entry.append(batch("a", 50)));
        assertEquals(50, entry.append(batch("b", 30)));
        assertAllHold(80);

        //    the incentive contract runs on every member in Raft order: same balances, same state root
        entry.executeContract(ContractCall.of(ContractCall.Kind.CALL, OPERATOR, depositCall()));
        ContractCallException refused = assertThrows(
                ContractCallException.class,
                () -> entry.executeContract(
                        ContractCall.of(ContractCall.Kind.CALL, INSURER, settleCall("q0", 100_000))));
        assertEquals(RevertReason.INSUFFICIENT_ESCROW, refused.reason());
        byte[] contractRoot =
                entry.executeContract(ContractCall.of(ContractCall.Kind.CALL, INSURER, settleCall("q1", 100)));
        assertSameContractState(contractRoot);

        // 2. the leader proposes; every member verifies and cosigns; final with quorum 2
        LedgerMember leader = leader();
        Proposal first = leader.proposeCheckpoint();
        assertEquals(80, first.head().size());
        for (LedgerMember m : running.values()) {
            FinalCheckpoint fin = m.awaitFinal(80, WAIT).orElseThrow(() -> new AssertionError("not final"));
            assertEquals(first.head(), fin.head());
            assertTrue(fin.cosignatures().size() >= 2);
            for (Cosignature c : fin.cosignatures()) {
                assertTrue(c.verify(configs.get("m1").directory()));
            }
            // as a C2SP signed note, the offline verifier's quorum check accepts it
            MemberDirectory directory = configs.get("m1").directory();
            SignedCheckpoint note = fin.toSignedCheckpoint(directory);
            assertEquals(
                    fin.cosignatures().size(),
                    note.verifyQuorum(directory.verifiers(), 2).size());
            SignedCheckpoint parsed = SignedCheckpoint.parse(note.format(), 32);
            parsed.verifyQuorum(directory.verifiers(), 2);
            assertThrows(SignatureVerificationException.class, () -> parsed.verifyQuorum(directory.verifiers(), 4));
        }

        // 3. a lying leader: genuine key, forged consistency proof -> every member refuses
        entry.append(batch("c", 20));
        assertAllHold(100);
        TreeHead head100 = new TreeHead(ORIGIN, 100, leader.log().root(100));
        List<byte[]> proof = leader.log().consistencyProof(80, 100);
        byte[] flipped = proof.get(0);
        flipped[5] ^= 0x40;
        proof = new ArrayList<>(proof);
        proof.set(0, flipped);
        MemberKey leaderKey = keys.get(leader.memberId());
        Proposal forged = new Proposal(head100, 80, proof, leader.memberId(), leaderKey.sign(head100.signedBytes()));
        assertTrue(leader.submit(ReplicationMessage.propose(forged)).startsWith("refused INCONSISTENT"));

        //    and one that rewrites history (entry 7 changed) with a proof from its rewritten tree
        InMemoryMemberLog rewritten = new InMemoryMemberLog();
        List<byte[]> history = new ArrayList<>(batch("a", 50));
        history.set(7, "a-7-rewritten".getBytes(StandardCharsets.UTF_8));
        rewritten.append(history);
        rewritten.append(batch("b", 30));
        rewritten.append(batch("c", 20));
        TreeHead rewrittenHead = new TreeHead(ORIGIN, 100, rewritten.root(100));
        Proposal rewrite = new Proposal(
                rewrittenHead,
                80,
                rewritten.consistencyProof(80, 100),
                leader.memberId(),
                leaderKey.sign(rewrittenHead.signedBytes()));
        assertTrue(leader.submit(ReplicationMessage.propose(rewrite)).startsWith("refused INCONSISTENT"));
        for (LedgerMember m : running.values()) {
            awaitRefusals(m, 2);
            assertEquals(
                    WitnessRefusedException.Reason.INCONSISTENT,
                    m.refusals().get(0).reason());
            assertEquals(
                    WitnessRefusedException.Reason.INCONSISTENT,
                    m.refusals().get(1).reason());
            assertEquals(80, m.lastCosigned().size(), m.memberId() + " cosigned nothing new");
            assertTrue(m.cosignaturesFor(head100).isEmpty());
            assertTrue(m.cosignaturesFor(rewrittenHead).isEmpty());
            assertEquals(80, m.latestFinal().orElseThrow().head().size());
        }

        // 4. kill the leader: the two others elect a new one and the log stays writable
        String killed = leader.memberId();
        running.remove(killed).close();
        LedgerMember survivor = running.values().iterator().next();
        assertEquals(100, survivor.append(batch("d", 25)));
        assertAllHold(125);
        LedgerMember newLeader = leader();
        assertFalse(newLeader.memberId().equals(killed));
        Proposal second = newLeader.proposeCheckpoint();
        assertEquals(125, second.head().size());
        assertEquals(80, second.fromSize());
        for (LedgerMember m : running.values()) {
            assertEquals(second.head(), m.awaitFinal(125, WAIT).orElseThrow().head(), m.memberId());
        }

        // 5. restart the killed member on its storage: it replays and catches up
        start(killed);
        survivor.append(batch("e", 5));
        assertAllHold(130);
        LedgerMember restarted = running.get(killed);
        assertEquals(125, restarted.awaitFinal(125, WAIT).orElseThrow().head().size());
        assertEquals(2, restarted.refusals().size(), "the restarted member re-witnessed the same history");
        assertEquals(second.head(), restarted.lastCosigned());
        assertSameContractState(contractRoot);

        // 6. a member whose log survived (durable) restarts: replaying the Raft log appends nothing twice
        String follower = running.keySet().stream()
                .filter(id -> !running.get(id).isLeader())
                .findFirst()
                .orElseThrow();
        MemberLog survivingLog = running.get(follower).log();
        running.remove(follower).close();
        survivor = running.values().iterator().next();
        survivor.append(batch("f", 10));
        start(follower, survivingLog);
        survivor.append(batch("g", 10));
        assertAllHold(150);
        assertEquals(150, survivingLog.size());
        assertSameContractState(contractRoot);
    }

    @Test
    void durableAuditLogMembersWithSm3CatchUpWithoutDuplicatesAndCarryTheCosignatures() throws Exception {
        configure(LedgerSuite.GM);
        MemberDirectory directory = configs.get("m1").directory();
        Map<String, AuditLog> ledgers = new LinkedHashMap<>();
        Map<String, AuditLogConfig> ledgerConfigs = new LinkedHashMap<>();
        try {
            for (String id : IDS) {
                AuditLogConfig.Builder b = AuditLogConfig.builder(LedgerSuite.GM, ORIGIN, signers.get(id));
                directory.verifiers().forEach(b::trust);
                ledgerConfigs.put(id, b.build());
                ledgers.put(id, AuditLog.open(dir.resolve(id + "-ledger"), ledgerConfigs.get(id)));
                running.put(id, LedgerMember.start(configs.get(id), new AuditLogMemberLog(ledgers.get(id))));
            }
            LedgerMember entry = running.get("m1");
            assertEquals(0, entry.append(events(0, 40)));
            assertEquals(40, entry.append(events(40, 70)));
            assertAllHold(70);

            // a batch with one entry that is not a canonical event is refused whole, on every member
            List<byte[]> bad = new ArrayList<>(events(70, 75));
            bad.set(2, new byte[] {9, 9, 9});
            IOException refused = Assertions.assertThrows(IOException.class, () -> entry.append(bad));
            assertTrue(refused.getMessage().contains("not a canonical event"), refused.getMessage());
            assertEquals(70, entry.append(events(70, 75)));
            assertAllHold(75);

            LedgerMember leader = leader();
            Proposal proposal = leader.proposeCheckpoint();
            for (LedgerMember m : running.values()) {
                assertEquals(
                        proposal.head(), m.awaitFinal(75, WAIT).orElseThrow().head(), m.memberId());
            }

            // a follower crashes; its durable ledger survives; it restarts and replays the Raft log
            String follower = IDS.stream()
                    .filter(id -> !running.get(id).isLeader())
                    .findFirst()
                    .orElseThrow();
            running.remove(follower).close();
            ledgers.remove(follower).close();
            LedgerMember survivor = running.values().iterator().next();
            survivor.append(events(75, 90));
            ledgers.put(follower, AuditLog.open(dir.resolve(follower + "-ledger"), ledgerConfigs.get(follower)));
            assertTrue(ledgers.get(follower).size() >= 75, "durable entries survived the crash");
            running.put(
                    follower, LedgerMember.start(configs.get(follower), new AuditLogMemberLog(ledgers.get(follower))));
            survivor.append(events(90, 100));
            assertAllHold(100);
            for (String id : IDS) {
                assertEquals(100, ledgers.get(id).size(), id + " holds no duplicate");
                assertArrayEquals(events(57, 58).get(0), ledgers.get(id).readEncoded(57));
            }
            Proposal next = leader().proposeCheckpoint();
            assertEquals(75, next.fromSize());
            for (LedgerMember m : running.values()) {
                assertEquals(next.head(), m.awaitFinal(100, WAIT).orElseThrow().head(), m.memberId());
            }

            // every member's own ledger carries the final checkpoints with the members' cosignature
            // lines; offline, with only the members' public keys, a quorum of 2 is met
            for (String id : IDS) {
                LedgerMember m = running.get(id);
                m.flushCheckpoints(WAIT);
                assertEquals(List.of(), m.checkpointFailures(), id);
                SignedCheckpoint stored = ledgers.get(id).checkpoints().stream()
                        .filter(c -> c.checkpoint().size() == 100)
                        .reduce((a, b) -> b)
                        .orElseThrow();
                assertTrue(stored.verify(directory.verifiers()).size() >= 2, id + ": " + stored.format());
                VerificationReport report =
                        LedgerVerifier.verify(dir.resolve(id + "-ledger"), directory.verifiers(), 2, List.of(0L, 99L));
                assertTrue(report.ok(), id + ": " + report.summary());
                assertEquals(100, report.coveredEntries(), id);
            }
        } finally {
            stopAll();
            running.clear();
            for (AuditLog l : ledgers.values()) {
                l.close();
            }
        }
    }

    static List<byte[]> events(int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(EventCodec.encode(Event.upload(
                    1_764_000_000_000L + i,
                    "hospital-" + (i % 3),
                    "rec-" + i,
                    SaltedHash.sha256(("content-" + i).getBytes(StandardCharsets.UTF_8)),
                    SaltedHash.sha256(("policy-" + i).getBytes(StandardCharsets.UTF_8)))));
        }
        return out;
    }

    /** The calldata of deposit(INSURER, 1000), taken from a local contract's own receipt. */
    static byte[] depositCall() throws Exception {
        try (IncentiveContract scratch = IncentiveContract.deploy(OPERATOR, BigInteger.valueOf(350_000), false)) {
            return scratch.deposit(INSURER, BigInteger.valueOf(1_000)).call().input();
        }
    }

    /** The calldata of settle(query, [H1, H2], [total*2/5, total*3/5]) taken from a scratch contract. */
    static byte[] settleCall(String query, long total) throws Exception {
        try (IncentiveContract scratch = IncentiveContract.deploy(OPERATOR, BigInteger.valueOf(350_000), false)) {
            scratch.deposit(INSURER, BigInteger.TEN.pow(12));
            return scratch.settle(
                            INSURER,
                            QueryId.forReference(query),
                            List.of(new HospitalRecords(H1, total * 2 / 5), new HospitalRecords(H2, total * 3 / 5)))
                    .call()
                    .input();
        }
    }

    static void awaitRefusals(LedgerMember m, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (m.refusals().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(count, m.refusals().size(), m.memberId() + " refusals");
    }
}
