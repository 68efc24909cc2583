package org.medshare.ledger;

import java.io.Closeable;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.storage.CheckpointFile;

/**
 * The signed checkpoints of an {@link AuditLog}: signing them per batch, storing cosigned and
 * witnessed ones, and waiting for one to cover an entry.
 *
 * <p>Guarantees: every checkpoint is appended to the checkpoint file before it becomes visible;
 * the in-memory list stays ordered by size (equal sizes in the order stored); a checkpoint is
 * signed only over durable entries (as reported by the supplier given at construction) and only
 * if it covers more than the latest one. Thread-safe: all state is guarded by one monitor, which
 * is notified whenever a checkpoint is added or the log fails.
 */
final class CheckpointStore implements Closeable {
    private final AuditLogConfig config;
    private final HashStore tree;
    private final CheckpointFile file;
    private final LongSupplier durableSize;
    private final List<SignedCheckpoint> checkpoints;
    private boolean failed;
    private long lastCheckpointNanos = System.nanoTime();

    /**
     * @param checkpoints the verified stored checkpoints, ordered by size
     * @param durableSize the number of durable entries of {@code tree}; never decreases
     */
    CheckpointStore(
            AuditLogConfig config,
            HashStore tree,
            CheckpointFile file,
            List<SignedCheckpoint> checkpoints,
            LongSupplier durableSize) {
        this.config = config;
        this.tree = tree;
        this.file = file;
        this.checkpoints = new ArrayList<>(checkpoints);
        this.durableSize = durableSize;
    }

    /** Inserts {@code sc} after every checkpoint no larger than it, keeping {@code list} ordered by size. */
    static void insertBySize(List<SignedCheckpoint> list, SignedCheckpoint sc) {
        int at = list.size();
        while (at > 0 && list.get(at - 1).checkpoint().size() > sc.checkpoint().size()) {
            at--;
        }
        list.add(at, sc);
    }

    synchronized SignedCheckpoint latest() {
        return checkpoints.isEmpty() ? null : checkpoints.get(checkpoints.size() - 1);
    }

    synchronized List<SignedCheckpoint> all() {
        return List.copyOf(checkpoints);
    }

    /**
     * Signs and stores a checkpoint of all durable entries if it covers more than the latest one
     * and either {@code force} is set or a batch is due ({@code checkpointEveryEvents} new entries
     * or {@code checkpointInterval} elapsed since the last one).
     *
     * @return the latest checkpoint afterwards (null only while nothing is durable)
     */
    synchronized SignedCheckpoint sign(boolean force) throws IOException {
        long size = durableSize.getAsLong();
        SignedCheckpoint latest = latest();
        long covered = latest == null ? 0 : latest.checkpoint().size();
        if (config.signer() == null
                || size == 0
                || size <= covered
                || (!force
                        && size - covered < config.checkpointEveryEvents()
                        && System.nanoTime() - lastCheckpointNanos
                                < config.checkpointInterval().toNanos())) {
            return latest;
        }
        Checkpoint cp = new Checkpoint(config.origin(), size, tree.root(size));
        SignedCheckpoint sc;
        try {
            sc = SignedCheckpoint.sign(cp, config.signer());
        } catch (GeneralSecurityException e) {
            throw new IOException("checkpoint signing failed: " + e.getMessage(), e);
        }
        file.append(sc.format());
        checkpoints.add(sc);
        lastCheckpointNanos = System.nanoTime();
        notifyAll();
        return sc;
    }

    /** See {@link AuditLog#awaitCheckpoint}; also gives up once {@link #fail} was called. */
    synchronized SignedCheckpoint await(long index, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SignedCheckpoint latest = latest();
            if (latest != null && latest.checkpoint().size() > index) {
                return latest;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || failed) {
                throw new TimeoutException("no signed checkpoint covers entry " + index + " yet");
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** See {@link AuditLog#addCosignatures}; the caller has verified {@code cosigned}. */
    synchronized SignedCheckpoint addCosignatures(SignedCheckpoint cosigned)
            throws GeneralSecurityException, IOException {
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            SignedCheckpoint mine = checkpoints.get(i);
            if (mine.checkpoint().equals(cosigned.checkpoint())) {
                SignedCheckpoint merged = mine.withSignatures(cosigned.note().signatures());
                file.append(merged.format());
                checkpoints.set(i, merged);
                return merged;
            }
        }
        throw new GeneralSecurityException(
                "checkpoint of size " + cosigned.checkpoint().size() + " was not signed by this log");
    }

    /**
     * See {@link AuditLog#recordWitnessedCheckpoint}; the caller has verified {@code witnessed}'s
     * signatures and origin.
     */
    synchronized SignedCheckpoint recordWitnessed(SignedCheckpoint witnessed)
            throws GeneralSecurityException, IOException {
        Checkpoint cp = witnessed.checkpoint();
        long durable = durableSize.getAsLong();
        if (cp.size() > durable) {
            throw new GeneralSecurityException(
                    "witnessed checkpoint of size " + cp.size() + " is ahead of the " + durable + " durable entries");
        }
        if (!MessageDigest.isEqual(tree.root(cp.size()), cp.rootHash())) {
            throw new GeneralSecurityException(
                    "witnessed checkpoint of size " + cp.size() + " differs from this log's root at that size");
        }
        for (int i = checkpoints.size() - 1; i >= 0; i--) {
            SignedCheckpoint stored = checkpoints.get(i);
            if (stored.checkpoint().equals(cp)) {
                SignedCheckpoint merged = stored.withSignatures(witnessed.note().signatures());
                if (merged.note().signatures().size()
                        != stored.note().signatures().size()) {
                    file.append(merged.format());
                    checkpoints.set(i, merged);
                }
                return checkpoints.get(i);
            }
        }
        file.append(witnessed.format());
        insertBySize(checkpoints, witnessed);
        notifyAll();
        return witnessed;
    }

    /** Wakes every {@link #await} for good: the log failed and no checkpoint will follow. */
    synchronized void fail() {
        failed = true;
        notifyAll();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
