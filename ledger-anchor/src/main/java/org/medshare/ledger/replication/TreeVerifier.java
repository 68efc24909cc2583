package org.medshare.ledger.replication;

import java.util.List;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * The hash-suite-specific checks a witness needs: the empty tree's root and
 * RFC 9162 &sect;2.1.4.2 consistency proof verification. A {@link MemberLog}
 * names its own ({@link MemberLog#verifier()}), so a log hashed with SM3 is
 * witnessed with SM3.
 */
public interface TreeVerifier {

    /** @return the root of the empty tree */
    byte[] emptyRoot();

    /**
     * @return whether {@code proof} shows that the tree (size2, root2) extends (size1, root1);
     *         false (never an exception) for any malformed input
     */
    boolean consistent(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof);

    /** RFC 9162 over SHA-256 (the {@code nist} suite). */
    static TreeVerifier sha256() {
        return of(TreeHasher.sha256());
    }

    /** RFC 9162 checks over {@code hasher}, by {@link MerkleProofs#verifyConsistency}. */
    static TreeVerifier of(TreeHasher hasher) {
        return new TreeVerifier() {
            @Override
            public byte[] emptyRoot() {
                return hasher.emptyRoot();
            }

            @Override
            public boolean consistent(long size1, long size2, byte[] root1, byte[] root2, List<byte[]> proof) {
                try {
                    MerkleProofs.verifyConsistency(hasher, size1, size2, root1, root2, proof);
                    return true;
                } catch (InvalidProofException | RuntimeException e) {
                    return false;
                }
            }
        };
    }
}
