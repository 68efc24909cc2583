package org.medshare.ledger.replication;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What replication needs of one member's copy of the log: append entries in
 * the replicated order, and answer RFC 9162 roots and consistency proofs over
 * SHA-256 leaf hashes. Implementations must be deterministic: the same entries
 * in the same order give the same roots on every member.
 */
public interface MemberLog {

    /** @return the number of entries held (durably, for a durable log) */
    long size();

    /**
     * Refuses entries this log would never accept, without changing anything. The
     * state machine calls it before every batch, also for batches a durable log
     * already holds, so that a refused batch is refused again on replay.
     *
     * @throws IllegalArgumentException naming the first unacceptable entry
     */
    default void check(List<byte[]> entries) {}

    /**
     * Appends entries durably (for a durable implementation) in order.
     *
     * @throws IOException if they could not be stored; the log is then unchanged or holds a prefix of them
     */
    void append(List<byte[]> entries) throws IOException;

    /**
     * Accepts entries for appending in order and returns without waiting for them to be durable;
     * the future completes once all of them are durable (exceptionally if they cannot be stored,
     * after which the log accepts nothing more). Replication applies batches through this method,
     * so a durable log group-commits the batches of many Raft entries together, off the apply path.
     * The default appends synchronously.
     *
     * @throws IOException if the entries cannot even be accepted (nothing accepted)
     */
    default CompletableFuture<Void> appendAsync(List<byte[]> entries) throws IOException {
        append(entries);
        return CompletableFuture.completedFuture(null);
    }

    /** @return entries accepted by {@link #appendAsync}, durable or not yet ({@link #size()} counts durable ones) */
    default long acceptedSize() {
        return size();
    }

    /**
     * Waits until the first {@code size} entries are durable (they must have been accepted).
     *
     * @return whether they are durable within {@code timeout}
     */
    default boolean awaitDurable(long size, Duration timeout) throws InterruptedException {
        return size() >= size;
    }

    /** @return RFC 9162 MTH of the first {@code size} entries; requires 0 &lt;= size &lt;= size() */
    byte[] root(long size);

    /** @return RFC 9162 PROOF(size1, D[0:size2]); requires 0 &lt; size1 &lt;= size2 &lt;= size() */
    List<byte[]> consistencyProof(long size1, long size2);

    /**
     * Stores a checkpoint that reached the quorum of cosignatures, as a signed note whose signature
     * lines are the members' cosignatures, where offline verifiers read checkpoints (a durable log's
     * checkpoint file). Called in Raft order, off the apply thread; the same checkpoint may come again
     * with more cosignatures (or, after a restart, again with the same ones). Does nothing unless
     * overridden.
     *
     * @throws GeneralSecurityException if the log refuses it (root differs, no trusted signature)
     */
    default void recordFinal(FinalCheckpoint checkpoint, MemberDirectory directory)
            throws IOException, GeneralSecurityException {}

    /** @return the checks matching this log's hash suite (RFC 9162 over SHA-256 unless overridden) */
    default TreeVerifier verifier() {
        return TreeVerifier.sha256();
    }
}
