package org.medshare.ledger.consortium;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerUnavailableException;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.replication.GroupClient;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.storage.TamperDetectedException;

/**
 * A writer's replica of the consortium log (the service's): it is a client of the group, not a member, and holds no
 * key the members trust. Every batch of events goes to the group first; only once a Raft majority committed it are
 * the same entries appended to this replica's own copy, at the index the group gave them. Checkpoints are the
 * members' final ones: fetched from the nodes, checked for the quorum's signatures and against this copy's own root
 * at their size, and recorded in this copy's checkpoint file. The copy is therefore an {@link AuditLog} that readers
 * use as before (proofs, receipts, {@link AuditLog#awaitCheckpoint}), whose every checkpoint is final.
 *
 * <p>Guarantees: an {@link #appendAll} that returns was committed by the group and is durable here; one that throws
 * {@link LedgerUnavailableException} was not acknowledged (the group may still hold it, and the next append or start
 * fetches it into this copy). Entries the group holds beyond this copy (written before a crash here) are fetched
 * from the nodes before anything is appended after them. A node presenting a final checkpoint whose root differs
 * from this copy's at its size is a split view: nothing more is recorded and {@link #splitView} says which node.
 * Thread-safe.
 */
public final class ConsortiumReplica implements AutoCloseable {
    private static final int MAX_BATCH_EVENTS = 4096;

    private final Consortium consortium;
    private final AuditLog log;
    private final GroupClient group;
    private final HttpClient http;
    private final Duration nodeTimeout;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final ScheduledExecutorService finality;
    private final AtomicReference<String> splitView = new AtomicReference<>();
    private volatile boolean closing;

    private record Pending(List<Event> events, CompletableFuture<List<Receipt>> done) {}

    /**
     * Timing of a replica.
     *
     * @param groupTimeout how long an append waits for the group (beyond it: {@link LedgerUnavailableException})
     * @param nodeTimeout  how long one read from a node waits
     * @param finalityPoll how often the nodes are asked for a newer final checkpoint while entries are not covered
     */
    public record Timing(Duration groupTimeout, Duration nodeTimeout, Duration finalityPoll) {
        public Timing {
            Objects.requireNonNull(groupTimeout, "groupTimeout");
            Objects.requireNonNull(nodeTimeout, "nodeTimeout");
            Objects.requireNonNull(finalityPoll, "finalityPoll");
        }
    }

    private ConsortiumReplica(Consortium consortium, AuditLog log, Timing timing, GroupTls tls) {
        this.consortium = consortium;
        this.log = log;
        this.nodeTimeout = timing.nodeTimeout();
        this.group = GroupClient.connect(
                consortium.groupId(),
                consortium.raftPeers(),
                tls,
                timing.groupTimeout().dividedBy(3),
                timing.groupTimeout());
        this.http = HttpClient.newBuilder().connectTimeout(timing.nodeTimeout()).build();
        this.writer = new Thread(this::writeLoop, "ledger-replica-writer");
        writer.setDaemon(true);
        this.finality = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-replica-finality");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens (or creates) the replica's copy under {@code dir}, fetches what the nodes hold beyond it up to their
     * latest final checkpoint (as far as a node answers), and starts following the members' final checkpoints.
     *
     * @throws TamperDetectedException if this copy fails its checks at open
     */
    public static ConsortiumReplica open(Consortium consortium, Path dir, Timing timing)
            throws IOException, TamperDetectedException {
        return open(consortium, dir, timing, null);
    }

    /**
     * As {@link #open(Consortium, Path, Timing)}, authenticating to the group with {@code tls} (the service's
     * transport key and certificate under the consortium's {@code tls-root}; null when it pins none).
     *
     * @throws IllegalArgumentException if {@code tls} is not what the consortium requires
     */
    public static ConsortiumReplica open(Consortium consortium, Path dir, Timing timing, GroupTls tls)
            throws IOException, TamperDetectedException {
        consortium.checkTransport(tls);
        AuditLogConfig.Builder config = AuditLogConfig.replica(consortium.suite(), consortium.origin());
        consortium.directory().verifiers().forEach(config::trust);
        AuditLog log = AuditLog.open(dir, config.build());
        ConsortiumReplica replica = new ConsortiumReplica(consortium, log, timing, tls);
        replica.latestFinalFromNodes().ifPresent(latest -> {
            try {
                replica.catchUp(latest.checkpoint().size());
            } catch (IOException e) {
                // the nodes went away while we read: the first append fetches the rest
            }
        });
        replica.recordNewerFinal();
        replica.writer.start();
        long poll = timing.finalityPoll().toMillis();
        replica.finality.scheduleWithFixedDelay(replica::followFinality, poll, poll, TimeUnit.MILLISECONDS);
        return replica;
    }

    /** @return this replica's copy of the log, for reads; appends go through {@link #appendAll} */
    public AuditLog log() {
        return log;
    }

    public Consortium consortium() {
        return consortium;
    }

    /**
     * Appends {@code events} in order through the group, then to this copy; batched with concurrent callers.
     *
     * @return one receipt per event, in order, once durable here (not yet covered by a final checkpoint)
     * @throws LedgerUnavailableException if the group did not commit the batch in time
     * @throws IOException if this copy could not store what the group committed
     */
    public List<Receipt> appendAll(List<Event> events) throws IOException {
        if (events.isEmpty()) {
            return List.of();
        }
        if (closing) {
            throw new IllegalStateException("the ledger replica is closed");
        }
        Pending pending = new Pending(List.copyOf(events), new CompletableFuture<>());
        queue.add(pending);
        try {
            return pending.done().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while appending", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof LedgerUnavailableException unavailable) {
                throw unavailable;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("append failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void writeLoop() {
        List<Pending> batch = new ArrayList<>();
        while (!closing || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int events = first.events().size();
                for (Pending next; events < MAX_BATCH_EVENTS && (next = queue.peek()) != null; ) {
                    batch.add(queue.remove());
                    events += next.events().size();
                }
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Pending> batch) {
        List<Event> all = new ArrayList<>();
        List<byte[]> encoded = new ArrayList<>();
        for (Pending p : batch) {
            for (Event e : p.events()) {
                all.add(e);
                encoded.add(EventCodec.encode(e));
            }
        }
        try {
            long first;
            try {
                first = group.append(encoded);
            } catch (IOException e) {
                throw new LedgerUnavailableException(
                        "the consortium ledger did not commit the events in time (no quorum of members answered)", e);
            }
            catchUp(first);
            if (log.size() != first) {
                throw new IOException("this copy holds " + log.size() + " entries, but the group placed the batch at "
                        + first + ": the copies differ");
            }
            List<Receipt> receipts = log.appendAll(all);
            int at = 0;
            for (Pending p : batch) {
                p.done().complete(receipts.subList(at, at + p.events().size()));
                at += p.events().size();
            }
        } catch (IOException | RuntimeException e) {
            batch.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** Fetches entries {@code [log.size(), size)} from the nodes into this copy. Only the writer (or open) calls it. */
    private synchronized void catchUp(long size) throws IOException {
        List<Event> missing = new ArrayList<>();
        for (long i = log.size(); i < size; i++) {
            missing.add(entryFromNodes(i));
            if (missing.size() == MAX_BATCH_EVENTS) {
                log.appendAll(missing);
                missing.clear();
            }
        }
        if (!missing.isEmpty()) {
            log.appendAll(missing);
        }
    }

    private Event entryFromNodes(long index) throws IOException {
        IOException last = null;
        for (Consortium.Member m : consortium.members()) {
            try {
                HttpResponse<byte[]> answer = get(m, "/entries/" + index, HttpResponse.BodyHandlers.ofByteArray());
                if (answer.statusCode() == 200) {
                    return EventCodec.decode(answer.body());
                }
                last = new IOException(m.organisation() + " answered " + answer.statusCode() + " for entry " + index);
            } catch (IOException | MalformedEventException e) {
                last = new IOException(m.organisation() + ": entry " + index + ": " + e.getMessage(), e);
            }
        }
        throw last;
    }

    private void followFinality() {
        try {
            if (splitView.get() == null && log.size() > coveredSize()) {
                recordNewerFinal();
            }
        } catch (RuntimeException e) {
            // the next round asks again
        }
    }

    private long coveredSize() {
        SignedCheckpoint latest = log.latestCheckpoint();
        return latest == null ? 0 : latest.checkpoint().size();
    }

    /** Records the newest final checkpoint a node presents that this copy can check (its size is held here). */
    private void recordNewerFinal() {
        for (Consortium.Member m : consortium.members()) {
            Optional<SignedCheckpoint> cp = finalFrom(m);
            if (cp.isEmpty()
                    || cp.get().checkpoint().size() <= coveredSize()
                    || cp.get().checkpoint().size() > log.size()) {
                continue;
            }
            try {
                log.recordWitnessedCheckpoint(cp.get());
                return;
            } catch (GeneralSecurityException e) {
                splitView.compareAndSet(
                        null,
                        m.organisation() + " presents a final checkpoint of size "
                                + cp.get().checkpoint().size() + " that this copy does not reproduce: "
                                + e.getMessage());
                return;
            } catch (IOException e) {
                return;
            }
        }
    }

    private Optional<SignedCheckpoint> latestFinalFromNodes() {
        SignedCheckpoint best = null;
        for (Consortium.Member m : consortium.members()) {
            Optional<SignedCheckpoint> cp = finalFrom(m);
            if (cp.isPresent()
                    && (best == null
                            || cp.get().checkpoint().size() > best.checkpoint().size())) {
                best = cp.get();
            }
        }
        return Optional.ofNullable(best);
    }

    /** The final checkpoint node {@code m} presents, if it answers with one that carries the quorum's signatures. */
    private Optional<SignedCheckpoint> finalFrom(Consortium.Member m) {
        try {
            HttpResponse<String> answer =
                    get(m, "/checkpoint", HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (answer.statusCode() != 200) {
                return Optional.empty();
            }
            SignedCheckpoint cp =
                    SignedCheckpoint.parse(answer.body(), log.hasher().hashSize());
            cp.verifyQuorum(consortium.directory().verifiers(), consortium.quorum());
            if (!cp.checkpoint().origin().equals(consortium.origin())) {
                return Optional.empty();
            }
            return Optional.of(cp);
        } catch (IOException | MalformedNoteException | GeneralSecurityException e) {
            return Optional.empty();
        }
    }

    private <T> HttpResponse<T> get(Consortium.Member m, String path, HttpResponse.BodyHandler<T> body)
            throws IOException {
        URI uri =
                URI.create("http://" + m.http().getHostString() + ":" + m.http().getPort() + path);
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(nodeTimeout).build(), body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** @return why this replica stopped recording checkpoints, if a node presented a fork */
    public Optional<String> splitView() {
        return Optional.ofNullable(splitView.get());
    }

    /** Finishes queued appends, stops following the nodes and closes the copy. */
    @Override
    public void close() throws IOException {
        closing = true;
        try {
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        finality.shutdownNow();
        IOException failure = null;
        try {
            group.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            log.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
