package org.medshare.ledger.replication;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.List;

/**
 * What replication needs of one member's copy of the log: append entries in
 * the replicated order, and answer RFC 9162 roots and consistency proofs over
 * SHA-256 leaf hashes. Implementations must be deterministic: the same entries
 * in the same order give the same roots on every member.
 */
public interface MemberLog {

    /** @return the number of entries held */
    long size();

    /**
     * Refuses entries this log would never accept, without changing anything. The
     * state machine calls it before every batch, also for batches a durable log
     * already holds, so that a refused batch is refused again on replay.
     *
     * @throws IllegalArgumentException naming the first unacceptable entry
     */
    default void check(List<byte[]> entries) {
    }

    /**
     * Appends entries durably (for a durable implementation) in order.
     *
     * @throws IOException if they could not be stored; the log is then unchanged or holds a prefix of them
     */
    void append(List<byte[]> entries) throws IOException;

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
            throws IOException, GeneralSecurityException {
    }

    /** @return the checks matching this log's hash suite (RFC 9162 over SHA-256 unless overridden) */
    default TreeVerifier verifier() {
        return TreeVerifier.sha256();
    }
}
