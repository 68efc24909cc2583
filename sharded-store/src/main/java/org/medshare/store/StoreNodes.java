package org.medshare.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.store.backend.ShardBackend;

/**
 * The store's storage nodes, in configuration order, and their health. Shard reads and writes
 * made through here count towards {@link NodeHealth}: a node that keeps failing is marked down,
 * receives no new shards and is read last, and comes back only when {@link #probe()} reaches it.
 * Thread-safe.
 */
final class StoreNodes {
    private final Map<String, StorageNode> byId;
    private final NodeHealth health;
    private final int maxShardsPerDomain;

    /** Nodes with no cap on the shards of a stripe in one failure domain. */
    StoreNodes(List<StorageNode> nodes, int failureThreshold) {
        this(nodes, failureThreshold, RendezvousPlacement.NO_CAP);
    }

    /**
     * @param nodes at least one, ids unique
     * @param failureThreshold consecutive failures that mark a node down, at least 1
     * @param maxShardsPerDomain most shards of one stripe that one failure domain may hold, at least 1
     * @throws IllegalArgumentException if a node id repeats
     */
    StoreNodes(List<StorageNode> nodes, int failureThreshold, int maxShardsPerDomain) {
        Map<String, StorageNode> map = new LinkedHashMap<>();
        for (StorageNode node : nodes) {
            if (map.putIfAbsent(node.id(), node) != null) {
                throw new IllegalArgumentException("duplicate node id " + node.id());
            }
        }
        this.byId = Collections.unmodifiableMap(map);
        this.health = new NodeHealth(failureThreshold);
        this.maxShardsPerDomain = maxShardsPerDomain;
    }

    /** The most shards of one stripe that one failure domain may hold. */
    int maxShardsPerDomain() {
        return maxShardsPerDomain;
    }

    /** Ids in configuration order. */
    List<String> ids() {
        return List.copyOf(byId.keySet());
    }

    /** Every node, in configuration order. */
    Collection<StorageNode> all() {
        return byId.values();
    }

    /** The node with this id, or null if none is configured (a manifest may name a removed node). */
    StorageNode get(String id) {
        return byId.get(id);
    }

    NodeHealth health() {
        return health;
    }

    boolean isUp(String id) {
        return health.isUp(id);
    }

    /** The healthy nodes not in {@code excluded}, in configuration order. */
    List<StorageNode> upExcept(Set<String> excluded) {
        List<StorageNode> up = new ArrayList<>();
        for (StorageNode node : byId.values()) {
            if (health.isUp(node.id()) && !excluded.contains(node.id())) {
                up.add(node);
            }
        }
        return up;
    }

    /** Tries every down node ({@code list()}); marks up those that answer and returns their ids. */
    Set<String> probe() {
        Set<String> up = new TreeSet<>();
        for (String id : health.downNodes()) {
            try {
                byId.get(id).backend().list();
                health.markUp(id);
                up.add(id);
            } catch (IOException | RuntimeException stillDown) {
                // stays down until a later probe reaches it
            }
        }
        return up;
    }

    /** Stores the shard on {@code node}; true if it is durable there. The outcome counts for the node. */
    boolean write(StorageNode node, Cid cid, byte[] data, int length) {
        try {
            call(node, backend -> {
                backend.put(cid, data, 0, length);
                return null;
            });
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The shard's bytes as {@code node} holds them (unverified), or empty if it holds none. The
     * outcome counts for the node.
     *
     * @throws IOException if the node fails
     */
    Optional<byte[]> read(StorageNode node, Cid cid) throws IOException {
        return call(node, backend -> backend.get(cid));
    }

    /** Whether {@code node} holds the shard. The outcome counts for the node. */
    boolean exists(StorageNode node, Cid cid) throws IOException {
        return call(node, backend -> backend.exists(cid));
    }

    private <T> T call(StorageNode node, BackendCall<T> call) throws IOException {
        T result;
        try {
            result = call.apply(node.backend());
        } catch (IOException | RuntimeException e) {
            health.recordFailure(node.id());
            throw e instanceof IOException io ? io : new IOException(e);
        }
        health.recordSuccess(node.id());
        return result;
    }

    @FunctionalInterface
    private interface BackendCall<T> {
        T apply(ShardBackend backend) throws IOException;
    }
}
