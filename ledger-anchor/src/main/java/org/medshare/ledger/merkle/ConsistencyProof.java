package org.medshare.ledger.merkle;

import java.util.List;

/** An RFC 9162 consistency proof (§2.1.4) from size {@code size1} to size {@code size2}. Immutable. */
public record ConsistencyProof(long size1, long size2, List<byte[]> hashes) {
    public ConsistencyProof {
        hashes = hashes.stream().map(byte[]::clone).toList();
    }

    @Override
    public List<byte[]> hashes() {
        return hashes.stream().map(byte[]::clone).toList();
    }

    /** {@link MerkleProofs#verifyConsistency} between two trusted roots. */
    public void verify(TreeHasher hasher, byte[] root1, byte[] root2) throws InvalidProofException {
        MerkleProofs.verifyConsistency(hasher, size1, size2, root1, root2, hashes);
    }
}
