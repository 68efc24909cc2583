package org.medshare.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.ledger.storage.SegmentStore;
import org.medshare.ledger.storage.TamperDetectedException;

/**
 * The embedded, crash-safe, verifiable audit log of one ledger member.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Append-only: entry {@code i} never changes once {@link #append} returned a receipt for it.</li>
 *   <li>Durability: a receipt is returned only after the entry is fsynced. Concurrent appends share one
 *       fsync (group commit); {@link #appendAsync} lets one thread keep many appends in flight.</li>
 *   <li>Checkpoints (C2SP tlog-checkpoint, signed-note) are signed per batch — when
 *       {@code checkpointEveryEvents} new events are durable or {@code checkpointInterval} has passed —
 *       never per entry, and always cover only durable entries.</li>
 *   <li>Open recovers from a crash by dropping a torn tail beyond the last signed checkpoint; it
 *       refuses to serve ({@link TamperDetectedException}, naming segment and entry) if any byte at or
 *       before the last signed checkpoint differs, or any stored checkpoint's signature or root fails.</li>
 *   <li>Proofs are RFC 9162 inclusion and consistency proofs over SHA-256 or SM3 (per {@link LedgerSuite}).</li>
 * </ul>
 * Thread-safe. Exactly one process may have a ledger directory open (a file lock enforces it).
 */
public final class AuditLog implements Closeable {
    private static final String LOCK_FILE = "LOCK";

    private final Path dir;
    private final AuditLogConfig config;
    private final TreeHasher hasher;
    private final HashStore tree;
    private final SegmentStore segments;
    private final CheckpointStore checkpoints;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final BlockingQueue<Pending> queue;
    private final Thread committer;
    private volatile long durableSize;
    private volatile boolean closing;
    private volatile Throwable failure;

    private record Pending(byte[] encoded, byte[] leafHash, CompletableFuture<Receipt> future) {}

    private AuditLog(
            Path dir,
            AuditLogConfig config,
            LedgerRecovery.Recovered recovered,
            FileChannel lockChannel,
            FileLock lock) {
        this.dir = dir;
        this.config = config;
        this.tree = recovered.tree();
        this.hasher = tree.hasher();
        this.segments = recovered.segments();
        this.checkpoints =
                new CheckpointStore(config, tree, recovered.checkpointFile(), recovered.checkpoints(), this::size);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.durableSize = tree.size();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.committer = new Thread(this::commitLoop, "audit-log-committer-" + dir.getFileName());
        this.committer.setDaemon(true);
    }

    /**
     * Opens (creating if needed) the ledger in {@code dir}: scans and checks every segment, recovers a
     * torn tail, verifies every stored checkpoint (signature by a trusted key, origin, and root
     * recomputed from the entries).
     *
     * @throws TamperDetectedException if stored data disagrees with what was signed; nothing is changed
     * @throws IOException on I/O failure or if another process holds the directory
     */
    public static AuditLog open(Path dir, AuditLogConfig config) throws IOException, TamperDetectedException {
        Files.createDirectories(dir);
        FileChannel lockChannel =
                FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("ledger directory " + dir + " is in use by another AuditLog");
        }
        try {
            AuditLog log = new AuditLog(dir, config, LedgerRecovery.recover(dir, config), lockChannel, lock);
            log.committer.start();
            return log;
        } catch (IOException | TamperDetectedException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    /** The configuration this log was opened with. */
    public AuditLogConfig config() {
        return config;
    }

    /** The tree hasher of this log's suite (for verifying its proofs). */
    public TreeHasher hasher() {
        return hasher;
    }

    /** The number of durable entries. */
    public long size() {
        return durableSize;
    }

    /**
     * Queues an event; the future completes with its receipt once the entry is durable.
     *
     * @throws LogOverloadedException if the queue is full (nothing was queued)
     * @throws IllegalStateException if the log is closed or has failed
     */
    public CompletableFuture<Receipt> appendAsync(Event event) {
        checkOpen();
        byte[] encoded = EventCodec.encode(event);
        Pending p = new Pending(encoded, hasher.hashLeaf(encoded), new CompletableFuture<>());
        if (!queue.offer(p)) {
            throw new LogOverloadedException(
                    "audit log queue full (" + config.queueCapacity() + " pending); retry later");
        }
        if (closing && queue.remove(p)) {
            throw new IllegalStateException("audit log is closed");
        }
        return p.future();
    }

    /** Appends one event and waits until it is durable. */
    public Receipt append(Event event) throws IOException {
        return await(appendAsync(event));
    }

    /** Appends events in order and waits until all are durable (they share fsyncs). */
    public List<Receipt> appendAll(List<Event> events) throws IOException {
        List<CompletableFuture<Receipt>> fs = new ArrayList<>(events.size());
        for (Event e : events) {
            fs.add(appendAsync(e));
        }
        List<Receipt> out = new ArrayList<>(fs.size());
        for (CompletableFuture<Receipt> f : fs) {
            out.add(await(f));
        }
        return out;
    }

    private static Receipt await(CompletableFuture<Receipt> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for durability", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IOException io) {
                throw io;
            }
            throw new IOException("append failed: " + c.getMessage(), c);
        }
    }

    /** The canonical bytes of entry {@code index}; requires {@code index < size()}. */
    public byte[] readEncoded(long index) throws IOException {
        checkDurable(index + 1);
        return segments.read(index);
    }

    /** Entry {@code index} decoded; requires {@code index < size()}. */
    public Event read(long index) throws IOException {
        try {
            return EventCodec.decode(readEncoded(index));
        } catch (MalformedEventException e) {
            throw new IOException("entry " + index + " does not decode: " + e.getMessage(), e);
        }
    }

    /** The RFC 9162 leaf hash of entry {@code index}. */
    public byte[] leafHash(long index) {
        checkDurable(index + 1);
        return tree.leafHash(index);
    }

    /**
     * The stored hash of a complete perfect subtree: MTH of entries {@code [index * 2^level, (index + 1) * 2^level)}
     * (level 0 = leaf hashes). Read from memory, never recomputed; serves hash tiles (C2SP tlog-tiles).
     *
     * @throws IllegalArgumentException unless {@code 0 <= level < 63}, {@code index >= 0} and the subtree lies within
     *     {@code size()}
     */
    public byte[] nodeHash(int level, long index) {
        long complete = level < 0 || level >= Long.SIZE - 1 ? 0 : durableSize >>> level;
        if (index < 0 || index >= complete) {
            throw new IllegalArgumentException(
                    "node (" + level + ", " + index + ") is not a complete subtree of the durable size " + durableSize);
        }
        return tree.node(level, index);
    }

    /** MTH of the first {@code treeSize} entries; requires {@code treeSize <= size()}. */
    public byte[] root(long treeSize) {
        checkDurable(treeSize);
        return tree.root(treeSize);
    }

    /** Inclusion proof of entry {@code index} in the tree of {@code treeSize}; requires {@code index < treeSize <= size()}. */
    public InclusionProof inclusionProof(long index, long treeSize) {
        checkDurable(treeSize);
        return new InclusionProof(index, treeSize, tree.leafHash(index), tree.inclusionProof(index, treeSize));
    }

    /** Consistency proof between sizes; requires {@code 0 <= size1 <= size2 <= size()}. */
    public ConsistencyProof consistencyProof(long size1, long size2) {
        checkDurable(size2);
        return new ConsistencyProof(size1, size2, tree.consistencyProof(size1, size2));
    }

    /** The latest signed checkpoint, or null if none has been signed yet. */
    public SignedCheckpoint latestCheckpoint() {
        return checkpoints.latest();
    }

    /** Every stored checkpoint, oldest first (cosigned versions replace their original). */
    public List<SignedCheckpoint> checkpoints() {
        return checkpoints.all();
    }

    /**
     * Signs a checkpoint of all durable entries now, unless the latest checkpoint already covers them.
     *
     * @return the latest checkpoint afterwards (null only for an empty log)
     */
    public SignedCheckpoint checkpointNow() throws IOException {
        checkOpen();
        return checkpoints.sign(true);
    }

    /**
     * Waits until a signed checkpoint covers entry {@code index} (it will within the configured
     * interval after the entry is durable).
     *
     * @throws TimeoutException if none does within {@code timeout}
     */
    public SignedCheckpoint awaitCheckpoint(long index, Duration timeout)
            throws InterruptedException, TimeoutException {
        return checkpoints.await(index, timeout);
    }

    /**
     * Stores cosignatures (e.g. from witnessing consortium members) on a checkpoint this log signed.
     * Signatures from keys in {@code trustedKeys} must verify; the merged note replaces the original.
     *
     * @throws GeneralSecurityException if the checkpoint is not one of this log's or a trusted signature is bad
     */
    public SignedCheckpoint addCosignatures(SignedCheckpoint cosigned) throws GeneralSecurityException, IOException {
        cosigned.verify(config.trustedKeys());
        return checkpoints.addCosignatures(cosigned);
    }

    /**
     * Records a checkpoint witnessed by consortium members: a C2SP signed note over this log's
     * checkpoint whose signature lines are the members' cosignatures (each given after the member
     * verified a consistency proof from the last checkpoint it cosigned). The offline verifier then
     * finds every member's cosignature in this log's checkpoint file and judges the quorum.
     *
     * <p>Guarantees: recorded (appended to the checkpoint file, durably) only if its origin is this
     * log's, its size is durable here, its root equals this log's root at that size, every signature
     * from a trusted key ({@link AuditLogConfig#trustedKeys()}) verifies and at least one does.
     * A record of the same checkpoint is merged with it (signatures united); recording the same
     * signatures again writes nothing. The record may be smaller than checkpoints this log signed
     * since; {@link #checkpoints()} stays ordered by size.
     *
     * @return the stored record (merged with an earlier one of the same checkpoint)
     * @throws GeneralSecurityException if a signature is bad or none is trusted, or the root differs
     */
    public SignedCheckpoint recordWitnessedCheckpoint(SignedCheckpoint witnessed)
            throws GeneralSecurityException, IOException {
        checkOpen();
        witnessed.verify(config.trustedKeys());
        Checkpoint cp = witnessed.checkpoint();
        if (!cp.origin().equals(config.origin())) {
            throw new GeneralSecurityException("witnessed checkpoint is for origin '" + cp.origin() + "'");
        }
        return checkpoints.recordWitnessed(witnessed);
    }

    private void commitLoop() {
        List<Pending> batch = new ArrayList<>(config.maxBatch());
        List<byte[]> payloads = new ArrayList<>(config.maxBatch());
        long pollNanos =
                Math.max(1_000_000L, Math.min(config.checkpointInterval().toNanos() / 4, 20_000_000L));
        while (true) {
            try {
                Pending first = queue.poll(pollNanos, TimeUnit.NANOSECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        break;
                    }
                    checkpoints.sign(false);
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, config.maxBatch() - 1);
                for (Pending p : batch) {
                    payloads.add(p.encoded());
                }
                long start = segments.size();
                segments.append(payloads);
                for (Pending p : batch) {
                    tree.appendLeafHash(p.leafHash());
                }
                segments.sync();
                durableSize = tree.size();
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i)
                            .future()
                            .complete(new Receipt(start + i, batch.get(i).leafHash()));
                }
                batch.clear();
                payloads.clear();
                checkpoints.sign(false);
            } catch (InterruptedException e) {
                if (closing) {
                    continue;
                }
            } catch (IOException | RuntimeException | Error e) {
                fail(e, batch);
                return;
            }
        }
    }

    private void fail(Throwable e, List<Pending> batch) {
        failure = e;
        IOException io = new IOException("audit log failed; it must be reopened: " + e.getMessage(), e);
        for (Pending p : batch) {
            p.future().completeExceptionally(io);
        }
        Pending p;
        while ((p = queue.poll()) != null) {
            p.future().completeExceptionally(io);
        }
        checkpoints.fail();
    }

    private void checkOpen() {
        if (closing) {
            throw new IllegalStateException("audit log is closed");
        }
        if (failure != null) {
            throw new IllegalStateException("audit log failed and must be reopened: " + failure.getMessage());
        }
    }

    private void checkDurable(long treeSize) {
        if (treeSize < 0 || treeSize > durableSize) {
            throw new IllegalArgumentException("tree size " + treeSize + " exceeds the durable size " + durableSize);
        }
    }

    /** Completes every queued append, signs a final checkpoint covering all entries, and closes the files. */
    @Override
    public void close() throws IOException {
        if (closing) {
            return;
        }
        closing = true;
        try {
            committer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException err = null;
        try {
            if (failure == null) {
                checkpoints.sign(true);
            }
        } catch (IOException e) {
            err = e;
        }
        for (Closeable c : new Closeable[] {segments, checkpoints}) {
            try {
                c.close();
            } catch (IOException e) {
                if (err == null) {
                    err = e;
                }
            }
        }
        lock.release();
        lockChannel.close();
        if (err != null) {
            throw err;
        }
    }

    @Override
    public String toString() {
        return "AuditLog[" + dir + ", " + config.suite().id() + ", size " + durableSize + "]";
    }
}
