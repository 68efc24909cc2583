package org.medshare.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Rendezvous (highest-random-weight) placement of a stripe's shards over storage nodes (Thaler and
 * Ravishankar, "Using name-based mappings to increase hit rates", IEEE/ACM ToN 6(1), 1998), with a
 * cap on the shards of one stripe in one failure domain.
 *
 * <p>Shard {@code i} of the stripe named {@code key} goes to the node with the highest score
 * {@code -weight / ln(u)}, where {@code u} in (0, 1) is drawn from {@code H(node id, key, i)}, among
 * the eligible nodes: those whose failure domain holds fewer than
 * {@code maxPerDomain} shards of the stripe, preferring nodes that hold fewer of the stripe's shards.
 * With {@link #NO_CAP} a node in a domain the stripe does not use yet is preferred as well; with a
 * cap the cap alone constrains domains, because a soft preference makes a new node displace more
 * shards (each displaced shard frees a slot that later shards then take). Because
 * every shard ranks nodes independently, adding one node to N moves about 1/(N+1) of the shards,
 * and removing a node moves only the shards it held (plus rare knock-on moves within the stripe).
 *
 * <p>Weights (the logarithmic method of Ceph's straw2 buckets): with no cap and no node yet used, a
 * node is chosen with probability exactly its share of the eligible nodes' total weight, and
 * changing one node's weight moves shards only to or from that node. Because a stripe puts at most
 * one shard on a node while unused eligible nodes remain, and the cap bounds each domain, a node's
 * share of the shards grows with its weight but is compressed towards the others' when a stripe
 * uses a large part of the nodes (each heavy node can take at most one shard of a stripe). With all
 * weights equal the choice is the same as ranking the plain hashes.
 *
 * <p>With a cap of {@code n - k} for RS(k, n), losing a whole failure domain loses at most
 * {@code n - k} shards of any stripe, so nothing is lost, and no domain holds the k shards needed to
 * rebuild a stripe. A placement exists exactly when the distinct domains times the cap reach the
 * shard count ({@link #feasible}); the greedy choice then never gets stuck because a node may take
 * more than one shard.
 *
 * <p>Pure function of its arguments; thread-safe.
 */
public final class RendezvousPlacement {
    /** No limit on the shards of a stripe in one failure domain. */
    public static final int NO_CAP = Integer.MAX_VALUE;

    private RendezvousPlacement() {}

    /**
     * Chooses a node for each of {@code shardCount} shards with no cap per failure domain.
     *
     * @param key the stripe's name (stable for the stripe)
     * @param nodes candidate nodes (non-empty)
     * @return node ids, index i for shard i
     * @throws IllegalArgumentException if there are no candidate nodes
     */
    public static List<String> place(String key, int shardCount, Collection<StorageNode> nodes) {
        return place(key, shardCount, nodes, NO_CAP);
    }

    /**
     * Chooses a node for each of {@code shardCount} shards, at most {@code maxPerDomain} of them in
     * one failure domain.
     *
     * @param maxPerDomain at least 1
     * @return node ids, index i for shard i
     * @throws IllegalArgumentException if no placement keeps the cap ({@link #feasible} is false)
     */
    public static List<String> place(String key, int shardCount, Collection<StorageNode> nodes, int maxPerDomain) {
        if (!feasible(shardCount, nodes, maxPerDomain)) {
            throw new IllegalArgumentException(infeasibleReason(shardCount, nodes, maxPerDomain));
        }
        List<String> out = new ArrayList<>(shardCount);
        Map<String, Integer> nodeUses = new HashMap<>();
        Map<String, Integer> domainUses = new HashMap<>();
        for (int i = 0; i < shardCount; i++) {
            StorageNode chosen =
                    choose(key, i, nodes, nodeUses, domainUses, maxPerDomain).orElseThrow();
            out.add(chosen.id());
            nodeUses.merge(chosen.id(), 1, Integer::sum);
            domainUses.merge(chosen.failureDomain(), 1, Integer::sum);
        }
        return out;
    }

    /** Whether {@code shardCount} shards fit on {@code nodes} with at most {@code maxPerDomain} per domain. */
    public static boolean feasible(int shardCount, Collection<StorageNode> nodes, int maxPerDomain) {
        if (maxPerDomain < 1) {
            throw new IllegalArgumentException("the cap per failure domain must be at least 1");
        }
        return (long) domains(nodes).size() * maxPerDomain >= shardCount;
    }

    /**
     * Why {@code shardCount} shards do not fit (for refusals): the domains needed and those available.
     */
    public static String infeasibleReason(int shardCount, Collection<StorageNode> nodes, int maxPerDomain) {
        Set<String> domains = domains(nodes);
        long needed = ((long) shardCount + maxPerDomain - 1) / maxPerDomain;
        return "the " + shardCount + " shards of a stripe need nodes in at least " + needed
                + " failure domains so that none holds more than " + maxPerDomain + ", but "
                + (domains.isEmpty() ? "no node is available" : "only " + domains.size() + " have nodes: " + domains);
    }

    private static Set<String> domains(Collection<StorageNode> nodes) {
        Set<String> domains = new TreeSet<>();
        for (StorageNode node : nodes) {
            domains.add(node.failureDomain());
        }
        return domains;
    }

    /**
     * Chooses one node for shard {@code shardIndex} given how many of the stripe's shards each node
     * and each domain already holds (used for a failed write and by repair to re-place one shard).
     *
     * @return the node, or empty if every candidate's domain already holds {@code maxPerDomain}
     */
    public static Optional<StorageNode> choose(
            String key,
            int shardIndex,
            Collection<StorageNode> nodes,
            Map<String, Integer> nodeUses,
            Map<String, Integer> domainUses,
            int maxPerDomain) {
        StorageNode best = null;
        double bestScore = 0;
        long bestTier = Long.MAX_VALUE;
        for (StorageNode node : nodes) {
            int inDomain = domainUses.getOrDefault(node.failureDomain(), 0);
            if (inDomain >= maxPerDomain) {
                continue;
            }
            long tier = ((long) nodeUses.getOrDefault(node.id(), 0) << 32)
                    | (inDomain > 0 && maxPerDomain == NO_CAP ? 1 : 0);
            if (tier > bestTier) {
                continue;
            }
            double score = weightedScore(node, key, shardIndex);
            if (best == null || tier < bestTier || score > bestScore) {
                best = node;
                bestScore = score;
                bestTier = tier;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Counts per node id and per failure domain of the given node ids (unknown ids are skipped). */
    static Map<String, Integer> domainUses(Collection<String> nodeIds, StoreNodes nodes) {
        Map<String, Integer> uses = new HashMap<>();
        for (String id : nodeIds) {
            StorageNode node = nodes.get(id);
            if (node != null) {
                uses.merge(node.failureDomain(), 1, Integer::sum);
            }
        }
        return uses;
    }

    static Map<String, Integer> nodeUses(Collection<String> nodeIds) {
        Map<String, Integer> uses = new HashMap<>();
        for (String id : nodeIds) {
            uses.merge(id, 1, Integer::sum);
        }
        return uses;
    }

    /**
     * {@code weight / -ln(u)} with {@code u = (h + 0.5) / 2^53} in (0, 1) from the top 53 bits
     * {@code h} of {@link #score}: an increasing function of the hash, so equal weights rank nodes
     * as the hash does, and the best of several nodes is each with probability proportional to its
     * weight (the smallest of independent exponential variables whose rates are the weights).
     */
    static double weightedScore(StorageNode node, String key, int shardIndex) {
        double u = ((score(node.id(), key, shardIndex) >>> 11) + 0.5) * 0x1.0p-53;
        return node.weight() / -Math.log(u);
    }

    /** The rendezvous hash: the first 8 bytes of SHA-256(node id 0x00 key 0x00 index). */
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
