package org.medshare.ledger.replication;

import java.util.List;
import java.util.Objects;

/**
 * A checkpoint that a member (normally the Raft leader) asks the witnesses to
 * cosign: the new tree head signed by its proposer, and an RFC 9162 consistency
 * proof from the tree of size {@code fromSize} (the last checkpoint the
 * witnesses cosigned) to it.
 *
 * @param head              the proposed checkpoint
 * @param fromSize          size of the previous cosigned checkpoint the proof starts from
 * @param consistencyProof  PROOF(fromSize, D[0:head.size]) (copied; each 32 bytes)
 * @param proposerId        member id of the proposer
 * @param proposerSignature Ed25519 signature of the proposer over {@code head.text()}
 */
public record Proposal(
        TreeHead head, long fromSize, List<byte[]> consistencyProof, String proposerId, byte[] proposerSignature) {
    public Proposal {
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(proposerId, "proposerId");
        Objects.requireNonNull(proposerSignature, "proposerSignature");
        if (fromSize < 0 || fromSize > head.size()) {
            throw new IllegalArgumentException("fromSize must be in 0.." + head.size());
        }
        consistencyProof = consistencyProof.stream().map(byte[]::clone).toList();
        proposerSignature = proposerSignature.clone();
    }

    @Override
    public List<byte[]> consistencyProof() {
        return consistencyProof.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] proposerSignature() {
        return proposerSignature.clone();
    }
}
