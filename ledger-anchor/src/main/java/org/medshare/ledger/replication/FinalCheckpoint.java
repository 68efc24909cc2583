package org.medshare.ledger.replication;

import java.util.List;
import java.util.Objects;

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
}
