package org.medshare.service.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.medshare.store.Cid;
import org.medshare.store.StorageNode;

/** The configured storage nodes, in id order, and what the health page may show of each (never credentials). */
public final class StoreTopology {
    private final List<Entry> entries;

    StoreTopology(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** What may be shown of each node. */
    public List<NodeInfo> nodes() {
        return entries.stream()
                .map(e -> new NodeInfo(
                        e.node().id(),
                        e.node().failureDomain(),
                        e.kind(),
                        e.location(),
                        e.node().weight()))
                .toList();
    }

    /**
     * The ids of the nodes that hold a shard stored under {@code shard}, asking every node's backend (for erasure
     * checks; slow on many nodes).
     *
     * @throws IOException if a node does not answer
     */
    public List<String> nodesHolding(Cid shard) throws IOException {
        List<String> holding = new ArrayList<>();
        for (Entry e : entries) {
            if (e.node().backend().exists(shard)) {
                holding.add(e.node().id());
            }
        }
        return holding;
    }

    /** Closes every node's backend (its clients and connections), going on past failures. */
    void close() {
        for (Entry e : entries) {
            try {
                e.node().backend().close();
            } catch (IOException | RuntimeException ignored) {
                // the others still get closed; the process is shutting the store down
            }
        }
    }

    List<StorageNode> storageNodes() {
        return entries.stream().map(Entry::node).toList();
    }

    /**
     * @param organisation the node's failure domain
     * @param kind {@code local}, {@code s3} or {@code hdfs}
     * @param location {@code local}, an S3 endpoint's scheme, host, port and bucket, or an HDFS URI and directory
     * @param weight the node's relative capacity in placement
     */
    public record NodeInfo(String id, String organisation, String kind, String location, double weight) {}

    record Entry(StorageNode node, String kind, String location) {}
}
