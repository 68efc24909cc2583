package org.medshare.ledger.replication;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MemberLog} held in memory (leaf hashes only), rebuilt on restart by
 * Ratis replaying its durable Raft log. Thread-safe.
 */
public final class InMemoryMemberLog implements MemberLog {
    private final List<byte[]> leaves = new ArrayList<>();

    @Override
    public synchronized long size() {
        return leaves.size();
    }

    @Override
    public synchronized void append(List<byte[]> entries) {
        for (byte[] entry : entries) {
            leaves.add(Rfc9162.HASHER.hashLeaf(entry));
        }
    }

    @Override
    public synchronized byte[] root(long size) {
        checkSize(size);
        return Rfc9162.root(leaves, 0, (int) size);
    }

    @Override
    public synchronized List<byte[]> consistencyProof(long size1, long size2) {
        checkSize(size2);
        return Rfc9162.consistencyProof(leaves, (int) size1, (int) size2);
    }

    private void checkSize(long size) {
        if (size < 0 || size > leaves.size()) {
            throw new IllegalArgumentException("size " + size + " outside 0.." + leaves.size());
        }
    }
}
