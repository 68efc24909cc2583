package org.medshare.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Rendezvous (highest-random-weight) placement of a stripe's shards over storage nodes (Thaler and
 * Ravishankar, "Using name-based mappings to increase hit rates", IEEE/ACM ToN 6(1), 1998).
 *
 * <p>Shard {@code i} of the stripe named {@code key} goes to the node with the highest score
 * {@code H(node id, key, i)} among the eligible nodes, where eligible means, in order of preference:
 * not yet used by this stripe and in a failure domain not yet used by it; else not yet used by it;
 * else any node (only when there are fewer nodes than shards). Because every shard ranks nodes
 * independently, adding one node to N moves about 1/(N+1) of the shards, and removing a node moves
 * only the shards it held (plus rare knock-on moves within the same stripe).
 *
 * <p>Pure function of its arguments; thread-safe.
 */
public final class RendezvousPlacement {
    private RendezvousPlacement() {}

    /**
     * Chooses a node for each of {@code shardCount} shards.
     *
     * @param key the stripe's name (stable for the stripe)
     * @param nodes candidate nodes (non-empty)
     * @return node ids, index i for shard i
     * @throws IllegalArgumentException if there are no candidate nodes
     */
    public static List<String> place(String key, int shardCount, Collection<StorageNode> nodes) {
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("no storage node available");
        }
        List<String> out = new ArrayList<>(shardCount);
        Set<String> usedNodes = new HashSet<>();
        Set<String> usedDomains = new HashSet<>();
        for (int i = 0; i < shardCount; i++) {
            StorageNode chosen = choose(key, i, nodes, usedNodes, usedDomains);
            out.add(chosen.id());
            usedNodes.add(chosen.id());
            usedDomains.add(chosen.failureDomain());
        }
        return out;
    }

    /**
     * Chooses one node for shard {@code shardIndex} given the nodes and domains the stripe already
     * uses (used by repair to re-place a single shard).
     */
    public static StorageNode choose(
            String key, int shardIndex, Collection<StorageNode> nodes, Set<String> usedNodes, Set<String> usedDomains) {
        StorageNode best = null;
        long bestScore = 0;
        int bestTier = Integer.MAX_VALUE;
        for (StorageNode node : nodes) {
            int tier = usedNodes.contains(node.id()) ? 2 : usedDomains.contains(node.failureDomain()) ? 1 : 0;
            if (tier > bestTier) {
                continue;
            }
            long score = score(node.id(), key, shardIndex);
            if (best == null || tier < bestTier || Long.compareUnsigned(score, bestScore) > 0) {
                best = node;
                bestScore = score;
                bestTier = tier;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no storage node available");
        }
        return best;
    }

    /** The rendezvous weight: the first 8 bytes of SHA-256(node id 0x00 key 0x00 index). */
    static long score(String nodeId, String key, int shardIndex) {
        MessageDigest md = Cid.sha256();
        md.update(nodeId.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(key.getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(new byte[] {(byte) (shardIndex >>> 8), (byte) shardIndex});
        byte[] h = md.digest();
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xFF);
        }
        return v;
    }
}
