package org.medshare.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shard writes of one put or one record's repair. Each write is marked pending in the
 * {@link RecordTable} before it starts, so garbage collection leaves the shard alone until the
 * table settles the writes (on commit or abandonment) and deletes those nothing references.
 * Thread-safe: the writes of a stripe run in parallel.
 */
final class ShardWrites {
    private final RecordTable table;
    private final StoreNodes nodes;
    private final List<Manifest.ShardRef> written = new ArrayList<>();

    ShardWrites(RecordTable table, StoreNodes nodes) {
        this.table = table;
        this.nodes = nodes;
    }

    /** Stores the shard on {@code node}; true if it is durable there. */
    boolean write(StorageNode node, Cid cid, byte[] data, int length) {
        table.markPending(new Manifest.ShardRef(cid, node.id()), this);
        return nodes.write(node, cid, data, length);
    }

    /**
     * Stores the shard on the healthy node not in {@code tried} that rendezvous placement ranks
     * first for {@code (key, index)} given how many of the stripe's other shards each node and
     * failure domain holds, never in a domain that already holds the store's maximum, trying the next
     * one while writes fail. Every node tried is added to {@code tried}.
     *
     * @return the node that stored the shard, or null if no healthy node keeps the cap
     */
    StorageNode writeToBestOther(
            String key,
            int index,
            Set<String> tried,
            Map<String, Integer> nodeUses,
            Map<String, Integer> domainUses,
            Cid cid,
            byte[] data,
            int length) {
        while (true) {
            Optional<StorageNode> choice = RendezvousPlacement.choose(
                    key, index, nodes.upExcept(tried), nodeUses, domainUses, nodes.maxShardsPerDomain());
            if (choice.isEmpty()) {
                return null;
            }
            StorageNode target = choice.get();
            tried.add(target.id());
            if (write(target, cid, data, length)) {
                return target;
            }
        }
    }

    /** Called by the table, under its lock. */
    void add(Manifest.ShardRef ref) {
        synchronized (written) {
            written.add(ref);
        }
    }

    /** The writes so far, forgotten here: the table settles them. */
    List<Manifest.ShardRef> takeAll() {
        synchronized (written) {
            List<Manifest.ShardRef> all = new ArrayList<>(written);
            written.clear();
            return all;
        }
    }
}
