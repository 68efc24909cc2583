package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ShardReferencesTest {
    private static final Cid A = Cid.of(new byte[] {1});
    private static final Cid B = Cid.of(new byte[] {2});
    private static final Cid C = Cid.of(new byte[] {3});

    private final ShardReferences refs = new ShardReferences();

    /** A one-stripe RS(1,2) manifest with its two shards on the given nodes. */
    private static Manifest manifest(Cid record, Cid first, String firstNode, Cid second, String secondNode) {
        return new Manifest(
                record,
                1,
                1,
                2,
                10,
                List.of(List.of(new Manifest.ShardRef(first, firstNode), new Manifest.ShardRef(second, secondNode))));
    }

    @Test
    void aShardStaysReferencedUntilItsLastManifestIsRemoved() {
        Manifest one = manifest(A, A, "n1", B, "n2");
        Manifest two = manifest(C, A, "n1", C, "n2");
        refs.addCommitted(one);
        refs.addCommitted(two);
        refs.removeCommitted(one);
        assertTrue(refs.isReferenced("n1", A), "still used by the second manifest");
        assertFalse(refs.isReferenced("n2", B));
        assertFalse(refs.isReferenced("n2", A), "references are per node");
        refs.removeCommitted(two);
        assertFalse(refs.isReferenced("n1", A));
        assertEquals(0, refs.distinctShardsOn("n1"));
    }

    @Test
    void pendingWritesReferenceTheirShardsUntilTheyEnd() {
        Manifest.ShardRef ref = new Manifest.ShardRef(B, "n3");
        assertFalse(refs.anyPending());
        refs.addPending(ref);
        refs.addPending(ref);
        assertTrue(refs.anyPending());
        assertTrue(refs.isReferenced("n3", B));
        refs.removePending(ref);
        assertTrue(refs.isReferenced("n3", B), "one of two writes is still in progress");
        refs.removePending(ref);
        assertFalse(refs.anyPending());
        assertFalse(refs.isReferenced("n3", B));
    }

    @Test
    void shardCountsAreDistinctOverCommittedAndPending() {
        refs.addCommitted(manifest(A, A, "n1", B, "n1"));
        refs.addCommitted(manifest(B, A, "n1", C, "n2"));
        refs.addPending(new Manifest.ShardRef(B, "n1"));
        refs.addPending(new Manifest.ShardRef(C, "n1"));
        assertEquals(3, refs.distinctShardsOn("n1"));
        assertEquals(1, refs.distinctShardsOn("n2"));
        assertEquals(0, refs.distinctShardsOn("n9"));
    }
}
