package org.medshare.store;

import java.io.IOException;
import java.time.Instant;
import java.util.Set;

/**
 * Removes what no record needs: tombstoned records whose grace period has passed, every stored
 * shard that no committed record references and no write in progress is storing (orphans of
 * failed or interrupted puts, stale copies left by repair), and, when no write is in progress, the
 * partial temporaries a crash left on the nodes. Nodes that are down are skipped; a failing node
 * counts a failure and is skipped. Thread-safe.
 */
final class GarbageCollector {
    private final RecordTable table;
    private final StoreNodes nodes;

    GarbageCollector(RecordTable table, StoreNodes nodes) {
        this.table = table;
        this.nodes = nodes;
    }

    /** Collects, purging the records tombstoned at or before {@code purgeCutoff}. */
    GcReport collect(Instant purgeCutoff) throws IOException {
        int purged = table.purgeTombstonedBefore(purgeCutoff);
        int deleted = 0;
        for (StorageNode node : nodes.all()) {
            if (nodes.isUp(node.id())) {
                deleted += deleteUnreferenced(node);
            }
        }
        int temporaries =
                table.whenNoWriteInProgress(this::removeStaleTemporaries).orElse(0);
        return new GcReport(purged, deleted, temporaries);
    }

    private int deleteUnreferenced(StorageNode node) {
        Set<Cid> stored;
        try {
            stored = node.backend().list();
        } catch (IOException | RuntimeException e) {
            nodes.health().recordFailure(node.id());
            return 0;
        }
        int deleted = 0;
        for (Cid cid : stored) {
            try {
                if (table.deleteIfUnreferenced(node, cid)) {
                    deleted++;
                }
            } catch (IOException | RuntimeException e) {
                nodes.health().recordFailure(node.id());
            }
        }
        return deleted;
    }

    private int removeStaleTemporaries() {
        int removed = 0;
        for (StorageNode node : nodes.all()) {
            if (nodes.isUp(node.id())) {
                try {
                    removed += node.backend().removeStaleTemporaries();
                } catch (IOException | RuntimeException e) {
                    nodes.health().recordFailure(node.id());
                }
            }
        }
        return removed;
    }
}
