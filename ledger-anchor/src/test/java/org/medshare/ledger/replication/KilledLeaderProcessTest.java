package org.medshare.ledger.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/**
 * Three members on loopback with the leader in a separate JVM ({@link MemberChild}), killed with SIGKILL
 * while appends are in flight: the two others elect a new leader and the log stays writable, every
 * acknowledged append is on both of them exactly once, the killed member restarted on its storage
 * catches up and stores the next final checkpoint, and after a second SIGKILL, offline, every member's ledger verifies (checksums, roots, a quorum of 2 members'
 * cosignature lines on the final checkpoints, inclusion proofs).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KilledLeaderProcessTest {
    static final String CHILD = "m1";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    final int[] ports = new int[3];
    final Map<String, LedgerMember> members = new LinkedHashMap<>();
    final Map<String, AuditLog> ledgers = new LinkedHashMap<>();
    Process child;
    Writer childIn;
    final AtomicLong childSize = new AtomicLong(-1);
    final AtomicReference<String> childAnswer = new AtomicReference<>();

    @AfterEach
    void stop() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        closeParentMembers();
    }

    private void closeParentMembers() throws IOException {
        for (LedgerMember m : members.values()) {
            m.close();
        }
        members.clear();
        for (AuditLog l : ledgers.values()) {
            l.close();
        }
        ledgers.clear();
    }

    @Test
    void leaderJvmKilledWithSigkillLogStaysWritableRestartedMemberCatchesUpEveryProofVerifies() throws Exception {
        for (int i = 0; i < 3; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                ports[i] = s.getLocalPort();
            }
        }
        // the child times out first (150 ms) and wins the first election; the others wait >= 1.5 s
        startChild(150);
        for (String id : List.of("m2", "m3")) {
            AuditLog log = AuditLog.open(MemberChild.ledgerDir(dir, id), MemberChild.ledgerConfig(id));
            ledgers.put(id, log);
            members.put(
                    id,
                    LedgerMember.start(
                            MemberChild.config(id, dir, ports, Duration.ofMillis(1500)), new AuditLogMemberLog(log)));
        }
        LedgerMember m2 = members.get("m2");
        LedgerMember m3 = members.get("m3");
        awaitLeader(m2, CHILD);

        // replicated through the child leader; a checkpoint becomes final with the members' cosignatures
        for (int b = 0; b < 3; b++) {
            assertEquals(b * 50L, m2.append(ReplicationClusterTest.events(b * 50, b * 50 + 50)));
        }
        assertTrue(m3.awaitSize(150, WAIT));
        assertTrue(m2.awaitSize(150, WAIT), "a proposal covers the proposer's durable entries");
        m2.proposeCheckpoint();
        assertEquals(150, m2.awaitFinal(150, WAIT).orElseThrow().head().size());
        awaitChildSize(150);

        // appends in flight while the leader's JVM is SIGKILLed
        List<CompletableFuture<Long>> inflight = new ArrayList<>();
        for (int b = 0; b < 20; b++) {
            inflight.add(m3.appendAsync(ReplicationClusterTest.events(150 + b * 10, 160 + b * 10)));
            if (b == 5) {
                inflight.get(0).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                child.destroyForcibly();
                assertTrue(child.waitFor(10, TimeUnit.SECONDS));
                assertEquals(137, child.exitValue(), "killed by SIGKILL");
            }
        }
        for (CompletableFuture<Long> f : inflight) {
            long first = f.get(60, TimeUnit.SECONDS);
            assertTrue(first >= 150 && first < 350, "acknowledged batch at " + first);
        }

        // the survivors elected a new leader among themselves; the log stays writable
        assertEquals(350, m2.append(ReplicationClusterTest.events(350, 360)));
        assertTrue(m3.awaitSize(360, WAIT));
        assertTrue(m2.awaitSize(360, WAIT));
        assertEquals(360, m2.log().size(), "every acknowledged batch exactly once");
        assertEquals(360, m3.log().size());
        String newLeader = awaitAnyLeader(m2);
        assertNotEquals(CHILD, newLeader);
        members.get(newLeader).proposeCheckpoint();
        assertEquals(360, m2.awaitFinal(360, WAIT).orElseThrow().head().size());
        assertEquals(360, m3.awaitFinal(360, WAIT).orElseThrow().head().size());

        // the killed member restarts on its storage and catches up, then witnesses the next checkpoint
        startChild(1500);
        awaitChildSize(360);
        assertEquals(360, m3.append(ReplicationClusterTest.events(360, 380)));
        awaitChildSize(380);
        assertTrue(m2.awaitSize(380, WAIT));
        assertTrue(m3.awaitSize(380, WAIT));
        members.get(awaitAnyLeader(m2)).proposeCheckpoint();
        FinalCheckpoint last = m2.awaitFinal(380, WAIT).orElseThrow();
        assertEquals(380, last.head().size());
        byte[] root = m2.log().root(380);
        childIn.write("FINAL 380\n");
        childIn.flush();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (childAnswer.get() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals("FINAL-STORED 380", childAnswer.get(), "the restarted member stored the final checkpoint");
        child.destroyForcibly(); // killed again: its ledger must still verify
        assertTrue(child.waitFor(10, TimeUnit.SECONDS));
        child = null;
        for (LedgerMember m : members.values()) {
            m.flushCheckpoints(WAIT);
            assertEquals(List.of(), m.checkpointFailures(), m.memberId());
        }
        closeParentMembers();

        // offline, with only the members' public keys: every member's ledger verifies
        for (String id : MemberChild.IDS) {
            Path ledger = MemberChild.ledgerDir(dir, id);
            VerificationReport report = LedgerVerifier.verify(
                    ledger, MemberChild.directory().verifiers(), 2, List.of(0L, 149L, 150L, 249L, 359L));
            assertTrue(report.ok(), id + ": " + report.summary());
            assertEquals(380, report.entries(), id);
            assertTrue(report.coveredEntries() >= 360, id + " final checkpoint covers " + report.coveredEntries());
            try (AuditLog log = AuditLog.open(ledger, MemberChild.ledgerConfig(id))) {
                assertArrayEquals(root, log.root(380), id + " holds the same log");
                for (int i : new int[] {0, 157, 379}) {
                    assertArrayEquals(ReplicationClusterTest.events(i, i + 1).get(0), log.readEncoded(i), id);
                }
            }
        }
    }

    private void startChild(long electionMillis) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        child = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        MemberChild.class.getName(),
                        CHILD,
                        dir.toString(),
                        String.valueOf(ports[0]),
                        String.valueOf(ports[1]),
                        String.valueOf(ports[2]),
                        String.valueOf(electionMillis))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        childIn = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII);
        childSize.set(-1);
        Process p = child;
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in =
                            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                        String line;
                        while ((line = in.readLine()) != null) {
                            if (line.startsWith("SIZE ")) {
                                childSize.set(Long.parseLong(line.substring(5)));
                            } else if (line.startsWith("FINAL-")) {
                                childAnswer.set(line);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        // the child died; its size stays where it was
                    }
                },
                "child-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    private void awaitChildSize(long size) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (childSize.get() < size && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(size, childSize.get(), "the child member's log size");
    }

    /**
     * Waits until {@code expected} leads, moving the leadership to it if another member won the first election (on a
     * loaded machine the child JVM can start late); a transfer that times out while the child is still catching up
     * is tried again, up to three times.
     */
    private static void awaitLeader(LedgerMember m, String expected) throws Exception {
        String leader = awaitAnyLeader(m);
        for (int attempt = 1; !leader.equals(expected); attempt++) {
            try {
                m.transferLeadership(expected, WAIT);
                break;
            } catch (IOException e) {
                if (attempt == 3) {
                    throw e;
                }
                leader = awaitAnyLeader(m);
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!m.leaderId().map(expected::equals).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(expected, m.leaderId().orElse(null), "leader");
    }

    private static String awaitAnyLeader(LedgerMember m) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            var leader = m.leaderId();
            if (leader.isPresent()) {
                return leader.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader within " + WAIT);
    }
}
