package org.medshare.ledger.storage;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.verify.LedgerVerifier;
import org.medshare.ledger.verify.VerificationReport;

/**
 * A child JVM appending with group commit is killed with SIGKILL mid-stream, three times; after each
 * restart the log holds a prefix of the attempted events that contains every acknowledged one, every
 * stored checkpoint verifies, and proofs verify.
 */
@Timeout(180)
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void sigkillMidAppendLosesNothingAcknowledged() throws Exception {
        long previousSize = 0;
        for (int round = 0; round < 3; round++) {
            long lastAck = runAndKill(1500 + round * 700);
            try (AuditLog log = AuditLog.open(dir, CrashChild.config())) {
                long size = log.size();
                assertTrue(
                        size >= lastAck + 1,
                        "round " + round + ": acknowledged " + (lastAck + 1) + ", recovered " + size);
                assertTrue(size >= previousSize);
                for (long i = 0; i < size; i += Math.max(1, size / 97)) {
                    assertEquals(CrashChild.event(i), log.read(i), "entry " + i);
                }
                assertEquals(CrashChild.event(size - 1), log.read(size - 1));
                SignedCheckpoint recovered = log.latestCheckpoint();
                assertNotNull(recovered, "checkpoints were signed before the kill");
                recovered.verify(List.of(CrashChild.signer().verifier()));
                SignedCheckpoint now = log.checkpointNow();
                assertEquals(size, now.checkpoint().size());
                for (long i : new long[] {0, lastAck, size - 1}) {
                    log.inclusionProof(i, size)
                            .verify(log.hasher(), now.checkpoint().rootHash());
                }
                log.consistencyProof(recovered.checkpoint().size(), size)
                        .verify(
                                log.hasher(),
                                recovered.checkpoint().rootHash(),
                                now.checkpoint().rootHash());
                previousSize = size;
            }
            VerificationReport r =
                    LedgerVerifier.verify(dir, List.of(CrashChild.signer().verifier()), 1, List.of(0L));
            assertTrue(r.ok(), r.summary());
        }
    }

    /** Starts the child, waits for {@code acks} acknowledgements, SIGKILLs it, returns the last acknowledged index. */
    private long runAndKill(int acks) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(
                        java,
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CrashChild.class.getName(),
                        dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        long last = -1;
        int seen = 0;
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("ACK ")) {
                    long idx = Long.parseLong(line.substring(4));
                    assertEquals(last == -1 ? idx : last + 1, idx, "receipts in order");
                    last = idx;
                    if (++seen >= acks) {
                        p.destroyForcibly();
                        break;
                    }
                }
            }
        } finally {
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, p.exitValue(), "killed by SIGKILL");
        assertTrue(seen >= acks, "child acknowledged " + seen);
        return last;
    }
}
