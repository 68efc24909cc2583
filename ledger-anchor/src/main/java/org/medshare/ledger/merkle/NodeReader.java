package org.medshare.ledger.merkle;

/**
 * Read access to stored perfect-subtree hashes: {@code node(level, index)} is MTH of leaves
 * {@code [index * 2^level, (index + 1) * 2^level)}. Storage is separate from proof building.
 */
@FunctionalInterface
public interface NodeReader {
    /** Requires the subtree to be complete in the stored tree. */
    byte[] node(int level, long index);
}
