package org.medshare.store;

import java.util.Objects;
import java.util.regex.Pattern;
import org.medshare.store.backend.ShardBackend;

/**
 * A storage node: a stable id, the failure domain it shares with other nodes (rack, site,
 * organisation: nodes in one domain may fail together), its backend and its placement weight
 * (relative capacity: a node of weight 2 is offered twice the shards of a node of weight 1, see
 * {@link RendezvousPlacement}).
 */
public final class StorageNode {
    /** The smallest weight a node may have. */
    public static final double MIN_WEIGHT = 0.001;

    /** The largest weight a node may have. */
    public static final double MAX_WEIGHT = 1_000_000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String id;
    private final String failureDomain;
    private final ShardBackend backend;
    private final double weight;

    /**
     * A node of weight 1.
     *
     * @param id 1-64 characters of {@code [A-Za-z0-9._-]}, unique within a store
     * @param failureDomain any non-empty name
     * @throws IllegalArgumentException if the id or domain is malformed
     */
    public StorageNode(String id, String failureDomain, ShardBackend backend) {
        this(id, failureDomain, backend, 1.0);
    }

    /**
     * @param id 1-64 characters of {@code [A-Za-z0-9._-]}, unique within a store
     * @param failureDomain any non-empty name
     * @param weight the node's relative capacity, finite and in [{@value #MIN_WEIGHT}, {@value #MAX_WEIGHT}]
     * @throws IllegalArgumentException if the id, domain or weight is malformed
     */
    public StorageNode(String id, String failureDomain, ShardBackend backend, double weight) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("node id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        if (failureDomain == null || failureDomain.isEmpty()) {
            throw new IllegalArgumentException("failure domain must be non-empty");
        }
        if (!(weight >= MIN_WEIGHT && weight <= MAX_WEIGHT)) {
            throw new IllegalArgumentException("node weight must be between " + MIN_WEIGHT + " and " + MAX_WEIGHT);
        }
        this.id = id;
        this.failureDomain = failureDomain;
        this.backend = Objects.requireNonNull(backend, "backend");
        this.weight = weight;
    }

    public String id() {
        return id;
    }

    public String failureDomain() {
        return failureDomain;
    }

    public ShardBackend backend() {
        return backend;
    }

    /** The node's relative capacity (1 unless given). */
    public double weight() {
        return weight;
    }

    @Override
    public String toString() {
        return "StorageNode[" + id + " @ " + failureDomain + (weight == 1.0 ? "" : " weight " + weight) + "]";
    }
}
