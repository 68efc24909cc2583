package org.medshare.ledger.replication;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.LogOverloadedException;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;

/**
 * A member's durable {@link AuditLog} as the {@link MemberLog} that replication
 * applies batches to, with durability by the log's group commit off the Raft apply thread
 * ({@link #appendAsync}). Replicated entries are canonical event encodings
 * ({@link EventCodec}); a batch holding any malformed entry is refused whole,
 * identically on every member, and appends nothing. Proofs and the witness's
 * checks use the log's own hash suite (SHA-256 or SM3). Final checkpoints are written into the
 * log's checkpoint file with every member's cosignature line ({@link AuditLog#recordWitnessedCheckpoint}),
 * so open the {@link AuditLog} trusting every member's key
 * ({@code AuditLogConfig.Builder.trust(directory verifiers)}).
 */
public final class AuditLogMemberLog implements MemberLog {
    /** Entries accepted but not yet durable beyond which {@link #appendAsync} waits (back-pressure on Raft). */
    static final int MAX_IN_FLIGHT = 16_384;

    private final AuditLog log;
    private final TreeVerifier verifier;
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private long accepted;
    private CompletableFuture<?> lastAccepted = CompletableFuture.completedFuture(null);

    public AuditLogMemberLog(AuditLog log) {
        this.log = Objects.requireNonNull(log, "log");
        this.verifier = TreeVerifier.of(log.hasher());
        this.accepted = log.size();
    }

    @Override
    public long size() {
        return log.size();
    }

    /**
     * @throws IllegalArgumentException if an entry is not a canonical event encoding
     */
    @Override
    public void check(List<byte[]> entries) {
        decode(entries);
    }

    /**
     * @throws IllegalArgumentException if an entry is not a canonical event encoding (nothing appended)
     */
    @Override
    public void append(List<byte[]> entries) throws IOException {
        try {
            appendAsync(entries).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while appending", e);
        } catch (ExecutionException e) {
            throw new IOException("append failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Queues the entries on the {@link AuditLog}'s group commit and returns; the future completes when
     * its fsync covered all of them. At most {@value #MAX_IN_FLIGHT} entries wait for durability; beyond
     * that the caller (the Raft apply thread) blocks until earlier ones are durable.
     *
     * @throws IllegalArgumentException if an entry is not a canonical event encoding (nothing accepted)
     * @throws IOException if the log has failed or is closed (nothing accepted)
     */
    @Override
    public synchronized CompletableFuture<Void> appendAsync(List<byte[]> entries) throws IOException {
        List<Event> events = decode(entries);
        int permits = Math.min(events.size(), MAX_IN_FLIGHT);
        try {
            inFlight.acquire(permits);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for earlier entries to become durable", e);
        }
        List<CompletableFuture<Receipt>> futures = new ArrayList<>(events.size());
        try {
            for (Event e : events) {
                futures.add(log.appendAsync(e));
            }
        } catch (IllegalStateException | LogOverloadedException e) {
            inFlight.release(permits);
            throw new IOException("member log does not accept entries: " + e.getMessage(), e);
        }
        accepted += events.size();
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        all.whenComplete((v, err) -> inFlight.release(permits));
        lastAccepted = all;
        return all;
    }

    @Override
    public synchronized long acceptedSize() {
        return accepted;
    }

    @Override
    public boolean awaitDurable(long size, Duration timeout) throws InterruptedException {
        CompletableFuture<?> last;
        synchronized (this) {
            if (size > accepted) {
                return false;
            }
            last = lastAccepted;
        }
        if (log.size() >= size) {
            return true;
        }
        try {
            last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return log.size() >= size;
        }
        return log.size() >= size;
    }

    private static List<Event> decode(List<byte[]> entries) {
        List<Event> events = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                events.add(EventCodec.decode(entries.get(i)));
            } catch (MalformedEventException e) {
                throw new IllegalArgumentException(
                        "batch entry " + i + " is not a canonical event: " + e.getMessage(), e);
            }
        }
        return events;
    }

    @Override
    public byte[] root(long size) {
        return log.root(size);
    }

    @Override
    public List<byte[]> consistencyProof(long size1, long size2) {
        return log.consistencyProof(size1, size2).hashes();
    }

    @Override
    public void recordFinal(FinalCheckpoint checkpoint, MemberDirectory directory)
            throws IOException, GeneralSecurityException {
        log.recordWitnessedCheckpoint(checkpoint.toSignedCheckpoint(directory));
    }

    @Override
    public TreeVerifier verifier() {
        return verifier;
    }
}
