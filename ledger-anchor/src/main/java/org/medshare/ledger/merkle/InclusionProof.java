package org.medshare.ledger.merkle;

import java.util.List;

/**
 * An RFC 9162 inclusion proof (§2.1.3) for the leaf at {@code index} of the tree of {@code treeSize}
 * leaves. Immutable value; check it with {@link #verify}.
 */
public record InclusionProof(long index, long treeSize, byte[] leafHash, List<byte[]> hashes) {
    public InclusionProof {
        leafHash = leafHash.clone();
        hashes = hashes.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] leafHash() {
        return leafHash.clone();
    }

    @Override
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    /** {@link MerkleProofs#verifyInclusion} against a trusted root of size {@link #treeSize()}. */
    public void verify(TreeHasher hasher, byte[] trustedRoot) throws InvalidProofException {
        MerkleProofs.verifyInclusion(hasher, index, treeSize, leafHash, hashes, trustedRoot);
    }
}
