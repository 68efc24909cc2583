package org.medshare.ledger.replication;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.checkpoint.SignedNote;

/**
 * A checkpoint with cosignatures from at least the configured quorum of
 * members, each of which verified a consistency proof from the checkpoint it
 * cosigned before.
 */
public record FinalCheckpoint(TreeHead head, List<Cosignature> cosignatures) {
    public FinalCheckpoint {
        Objects.requireNonNull(head, "head");
        cosignatures = List.copyOf(cosignatures);
    }

    /**
     * The same checkpoint as a C2SP signed note whose signature lines are the
     * members' cosignatures: what the offline verifier checks with
     * {@code SignedCheckpoint.verifyQuorum(directory.verifiers(), quorum)}.
     */
    public SignedCheckpoint toSignedCheckpoint(MemberDirectory directory) {
        Checkpoint checkpoint = new Checkpoint(head.origin(), head.size(), head.root());
        List<NoteSignature> lines = new ArrayList<>();
        for (Cosignature c : cosignatures) {
            NoteVerifier key = directory.verifier(c.memberId());
            lines.add(new NoteSignature(key.keyName(), key.keyId(), c.signature()));
        }
        return new SignedCheckpoint(checkpoint, new SignedNote(checkpoint.format(), lines));
    }
}
