package org.medshare.ledger.verify;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Collection;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * Pure checks of receipts a regulator was handed (no ledger files needed): an event's inclusion in a
 * signed checkpoint, and consistency between two signed checkpoints. Each checkpoint must carry
 * valid signatures from {@code quorum} distinct trusted keys.
 */
public final class ProofVerifier {
    private ProofVerifier() {}

    /**
     * Verifies that {@code event} is entry {@code proof.index()} of the log whose signed checkpoint is
     * {@code cp}. Requires {@code proof.treeSize() == cp.checkpoint().size()}.
     */
    public static void verifyEventInclusion(
            TreeHasher hasher,
            Collection<NoteVerifier> keys,
            int quorum,
            SignedCheckpoint cp,
            Event event,
            InclusionProof proof)
            throws GeneralSecurityException {
        cp.verifyQuorum(keys, quorum);
        if (proof.treeSize() != cp.checkpoint().size()) {
            throw new InvalidProofException(
                    InvalidProofException.Reason.OUT_OF_RANGE,
                    "proof is for size " + proof.treeSize() + ", checkpoint has size "
                            + cp.checkpoint().size());
        }
        byte[] leaf = hasher.hashLeaf(EventCodec.encode(event));
        if (!MessageDigest.isEqual(leaf, proof.leafHash())) {
            throw new InvalidProofException(
                    InvalidProofException.Reason.ROOT_MISMATCH, "proof is for a different event");
        }
        proof.verify(hasher, cp.checkpoint().rootHash());
    }

    /** Verifies that {@code newer} extends {@code older} (same origin, RFC 9162 §2.1.4 proof). */
    public static void verifyCheckpointConsistency(
            TreeHasher hasher,
            Collection<NoteVerifier> keys,
            int quorum,
            SignedCheckpoint older,
            SignedCheckpoint newer,
            ConsistencyProof proof)
            throws GeneralSecurityException {
        older.verifyQuorum(keys, quorum);
        newer.verifyQuorum(keys, quorum);
        if (!older.checkpoint().origin().equals(newer.checkpoint().origin())) {
            throw new InvalidProofException(InvalidProofException.Reason.OUT_OF_RANGE, "checkpoints of different logs");
        }
        if (proof.size1() != older.checkpoint().size()
                || proof.size2() != newer.checkpoint().size()) {
            throw new InvalidProofException(
                    InvalidProofException.Reason.OUT_OF_RANGE, "proof sizes do not match the checkpoints");
        }
        proof.verify(hasher, older.checkpoint().rootHash(), newer.checkpoint().rootHash());
    }
}
