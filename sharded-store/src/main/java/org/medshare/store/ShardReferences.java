package org.medshare.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which shards each node must keep: how many committed manifests place a shard on a node, and how
 * many writes in progress (puts and repairs) are storing it there. A stored shard with neither is
 * garbage. Not thread-safe: its owner guards it.
 */
final class ShardReferences {
    private final Map<String, Map<Cid, Integer>> committed = new HashMap<>();
    private final Map<String, Map<Cid, Integer>> pending = new HashMap<>();

    /** Counts every shard of {@code manifest} on its node. */
    void addCommitted(Manifest manifest) {
        forEachShard(manifest, ref -> adjust(committed, ref, +1));
    }

    /** Reverses {@link #addCommitted} for {@code manifest}. */
    void removeCommitted(Manifest manifest) {
        forEachShard(manifest, ref -> adjust(committed, ref, -1));
    }

    /** A write of {@code ref} is starting. */
    void addPending(Manifest.ShardRef ref) {
        adjust(pending, ref, +1);
    }

    /** A write of {@code ref} has ended (stored or not). */
    void removePending(Manifest.ShardRef ref) {
        adjust(pending, ref, -1);
    }

    /** Whether a committed manifest or a write in progress needs {@code cid} on {@code nodeId}. */
    boolean isReferenced(String nodeId, Cid cid) {
        return committed.getOrDefault(nodeId, Map.of()).containsKey(cid)
                || pending.getOrDefault(nodeId, Map.of()).containsKey(cid);
    }

    /** Whether any write is in progress. */
    boolean anyPending() {
        for (Map<Cid, Integer> shards : pending.values()) {
            if (!shards.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Distinct shards that committed manifests and writes in progress place on {@code nodeId}. */
    int distinctShardsOn(String nodeId) {
        Set<Cid> cids = new HashSet<>(committed.getOrDefault(nodeId, Map.of()).keySet());
        cids.addAll(pending.getOrDefault(nodeId, Map.of()).keySet());
        return cids.size();
    }

    private static void forEachShard(Manifest manifest, Consumer<Manifest.ShardRef> action) {
        for (int s = 0; s < manifest.stripeCount(); s++) {
            manifest.stripe(s).forEach(action);
        }
    }

    private static void adjust(Map<String, Map<Cid, Integer>> counts, Manifest.ShardRef ref, int delta) {
        Map<Cid, Integer> onNode = counts.computeIfAbsent(ref.nodeId(), x -> new HashMap<>());
        int count = onNode.getOrDefault(ref.cid(), 0) + delta;
        if (count <= 0) {
            onNode.remove(ref.cid());
        } else {
            onNode.put(ref.cid(), count);
        }
    }
}
