package org.medshare.ledger.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;

/**
 * Child process for {@link CrashRecoveryTest}: appends deterministic events forever with up to 64
 * in flight and prints {@code ACK <index>} (flushed) for each receipt, i.e. only after the entry is
 * durable. The parent kills it with SIGKILL.
 */
public final class CrashChild {
    static final byte[] SEED = new byte[32];

    static CheckpointSigner signer() throws Exception {
        return NoteKeys.ed25519FromSeed("crash.test/node", SEED);
    }

    static AuditLogConfig config() throws Exception {
        return AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/crash", signer())
                .checkpointEvery(500, Duration.ofMillis(50))
                .segmentBytes(256 * 1024)
                .build();
    }

    static Event event(long i) {
        return Event.upload(
                1_764_000_000_000L + i,
                "hospital-c",
                "rec-" + i,
                SaltedHash.sha256(("content-" + i).getBytes()),
                SaltedHash.sha256(("policy-" + i).getBytes()));
    }

    public static void main(String[] args) throws Exception {
        try (AuditLog log = AuditLog.open(Path.of(args[0]), config())) {
            long next = log.size();
            System.out.println("START " + next);
            System.out.flush();
            ArrayDeque<CompletableFuture<Receipt>> inflight = new ArrayDeque<>();
            while (true) {
                while (inflight.size() < 64) {
                    inflight.add(log.appendAsync(event(next++)));
                }
                Receipt r = inflight.poll().get();
                System.out.println("ACK " + r.index());
                System.out.flush();
            }
        }
    }
}
