package org.medshare.store;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tracks node failures: a node whose operations fail {@code threshold} times in a row is marked
 * down; a success resets its count and a down node comes back only through {@link #markUp}
 * (the store's {@code probeNodes()}). Down nodes receive no new shards and are read last.
 * Thread-safe.
 */
public final class NodeHealth {
    private final int threshold;
    private final Map<String, Integer> consecutiveFailures = new ConcurrentHashMap<>();
    private final Set<String> down = ConcurrentHashMap.newKeySet();

    /** @param threshold consecutive failures that mark a node down, at least 1 */
    public NodeHealth(int threshold) {
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1");
        }
        this.threshold = threshold;
    }

    void recordSuccess(String nodeId) {
        consecutiveFailures.remove(nodeId);
    }

    void recordFailure(String nodeId) {
        int count = consecutiveFailures.merge(nodeId, 1, Integer::sum);
        if (count >= threshold) {
            down.add(nodeId);
        }
    }

    /** Whether the node is currently considered healthy. */
    public boolean isUp(String nodeId) {
        return !down.contains(nodeId);
    }

    /** Ids of the nodes marked down, sorted. */
    public Set<String> downNodes() {
        return new TreeSet<>(down);
    }

    /** Consecutive failures recorded for the node since its last success. */
    public int consecutiveFailures(String nodeId) {
        return consecutiveFailures.getOrDefault(nodeId, 0);
    }

    void markUp(String nodeId) {
        down.remove(nodeId);
        consecutiveFailures.remove(nodeId);
    }
}
