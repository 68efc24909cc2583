package org.medshare.ledger;

/**
 * Proof of acceptance of one appended event: its index and RFC 9162 leaf hash. When this is
 * returned the entry is durable (fsynced). Use {@link AuditLog#awaitCheckpoint(long, java.time.Duration)}
 * and {@link AuditLog#inclusionProof(long, long)} for a proof against a signed checkpoint.
 */
public record Receipt(long index, byte[] leafHash) {
    public Receipt {
        leafHash = leafHash.clone();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }
}
