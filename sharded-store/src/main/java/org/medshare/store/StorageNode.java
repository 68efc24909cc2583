package org.medshare.store;

import java.util.Objects;
import java.util.regex.Pattern;
import org.medshare.store.backend.ShardBackend;

/**
 * A storage node: a stable id, the failure domain it shares with other nodes (rack, site,
 * organisation: nodes in one domain may fail together), and its backend.
 */
public final class StorageNode {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String id;
    private final String failureDomain;
    private final ShardBackend backend;

    /**
     * @param id 1-64 characters of {@code [A-Za-z0-9._-]}, unique within a store
     * @param failureDomain any non-empty name
     * @throws IllegalArgumentException if the id or domain is malformed
     */
    public StorageNode(String id, String failureDomain, ShardBackend backend) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("node id must be 1-64 characters of [A-Za-z0-9._-]");
        }
        if (failureDomain == null || failureDomain.isEmpty()) {
            throw new IllegalArgumentException("failure domain must be non-empty");
        }
        this.id = id;
        this.failureDomain = failureDomain;
        this.backend = Objects.requireNonNull(backend, "backend");
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

    @Override
    public String toString() {
        return "StorageNode[" + id + " @ " + failureDomain + "]";
    }
}
