package org.medshare.store;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The committed records: the durable {@link ManifestCatalog}, its entries in memory, the shard
 * references those entries and the writes in progress hold, and what each owner is charged.
 *
 * <p>Guarantees: every change commits to the catalog first and then updates entries, references
 * and charges together under one lock, so they never disagree and a failed catalog commit changes
 * nothing. A shard is deleted from a node only while the lock shows that nothing references it, so
 * garbage collection never removes a shard that a put or repair is writing. Thread-safe.
 */
final class RecordTable {
    private final Object lock = new Object();
    private final ManifestCatalog catalog;
    private final StoreNodes nodes;
    private final Map<Cid, CatalogEntry> entries = new HashMap<>();
    private final ShardReferences references = new ShardReferences();
    private final OwnerUsage usage;

    /** Loads every committed entry of {@code catalog}. */
    RecordTable(ManifestCatalog catalog, QuotaPolicy quotas, StoreNodes nodes) throws IOException {
        this.catalog = catalog;
        this.nodes = nodes;
        this.usage = new OwnerUsage(quotas);
        for (CatalogEntry e : catalog.loadAll()) {
            entries.put(e.manifest().recordCid(), e);
            references.addCommitted(e.manifest());
            usage.chargeReferences(e, +1);
        }
    }

    /** A new set of shard writes, for one put or one record's repair. */
    ShardWrites startWrites() {
        return new ShardWrites(this, nodes);
    }

    /** Marks a shard write as in progress, before it starts. */
    void markPending(Manifest.ShardRef ref, ShardWrites writes) {
        synchronized (lock) {
            references.addPending(ref);
            writes.add(ref);
        }
    }

    /**
     * Reserves quota for a put in progress.
     *
     * @throws QuotaExceededException if the owner's limit would be exceeded; nothing changes
     */
    void reserve(String owner, long bytes) throws QuotaExceededException {
        synchronized (lock) {
            usage.reserve(owner, bytes);
        }
    }

    /** Stored bytes charged to the owner: committed records plus reservations of puts in progress. */
    long usage(String owner) {
        synchronized (lock) {
            return usage.usage(owner);
        }
    }

    /**
     * Commits a put: a new record, or one more reference of {@code owner} to the record already
     * stored (or tombstoned) with the same content. The put's reservation turns into a charge, and
     * its writes are settled.
     *
     * @return the committed manifest (the existing one if the content was stored before)
     * @throws IOException if the catalog commit fails; nothing changes
     */
    Manifest commitPut(String owner, Manifest manifest, long reservedBytes, ShardWrites writes, Instant now)
            throws IOException {
        synchronized (lock) {
            CatalogEntry existing = entries.get(manifest.recordCid());
            CatalogEntry next = existing != null
                    ? existing.withReference(owner, +1, now)
                    : new CatalogEntry(manifest, Map.of(owner, 1), null);
            catalog.commit(next);
            entries.put(manifest.recordCid(), next);
            if (existing == null) {
                references.addCommitted(manifest);
            }
            usage.charge(owner, next.manifest().storedBytes());
            usage.release(owner, reservedBytes);
            settleLocked(writes);
            return next.manifest();
        }
    }

    /** Abandons a put: returns its reservation and deletes the shards it wrote that nothing uses. */
    void abandonPut(String owner, long reservedBytes, ShardWrites writes) {
        synchronized (lock) {
            usage.release(owner, reservedBytes);
            settleLocked(writes);
        }
    }

    /**
     * Commits a repaired record's new placement, if it changed and the record is still in the
     * catalog, and settles the repair's writes (the old copies are then garbage).
     *
     * @throws IOException if the catalog commit fails; the writes stay pending until settled
     */
    void commitRepair(Manifest repaired, ShardWrites writes) throws IOException {
        synchronized (lock) {
            CatalogEntry current = entries.get(repaired.recordCid());
            if (current != null && !repaired.equals(current.manifest())) {
                CatalogEntry next = current.withManifest(repaired);
                catalog.commit(next);
                entries.put(repaired.recordCid(), next);
                references.removeCommitted(current.manifest());
                references.addCommitted(repaired);
            }
            settleLocked(writes);
        }
    }

    /**
     * Drops one of {@code owner}'s references; the last one tombstones the record.
     *
     * @return false (and nothing changes) if the owner holds no reference to a live record
     */
    boolean dropReference(String owner, Cid record, Instant now) throws IOException {
        synchronized (lock) {
            CatalogEntry e = entries.get(record);
            if (e == null || !e.isLive() || !e.references().containsKey(owner)) {
                return false;
            }
            CatalogEntry next = e.withReference(owner, -1, now);
            catalog.commit(next);
            entries.put(record, next);
            usage.charge(owner, -e.manifest().storedBytes());
            return true;
        }
    }

    /** Removes the records tombstoned at or before {@code cutoff}; returns how many. */
    int purgeTombstonedBefore(Instant cutoff) throws IOException {
        int purged = 0;
        synchronized (lock) {
            for (CatalogEntry e : new ArrayList<>(entries.values())) {
                Optional<Instant> t = e.tombstonedAt();
                if (t.isPresent() && !t.get().isAfter(cutoff)) {
                    catalog.remove(e.manifest().recordCid());
                    entries.remove(e.manifest().recordCid());
                    references.removeCommitted(e.manifest());
                    purged++;
                }
            }
        }
        return purged;
    }

    /**
     * Deletes {@code cid} from {@code node} if no committed record and no write in progress
     * references it there; no write of it can start meanwhile.
     *
     * @return whether the node held the shard and deleted it
     * @throws IOException if the node fails
     */
    boolean deleteIfUnreferenced(StorageNode node, Cid cid) throws IOException {
        synchronized (lock) {
            return !references.isReferenced(node.id(), cid) && node.backend().delete(cid);
        }
    }

    /**
     * The result of {@code action}, run while no shard write is in progress and none can start;
     * empty (and the action not run) if a write is in progress.
     */
    <T> Optional<T> whenNoWriteInProgress(Supplier<T> action) {
        synchronized (lock) {
            return references.anyPending() ? Optional.empty() : Optional.of(action.get());
        }
    }

    /** The manifest of a live record. */
    Optional<Manifest> liveManifest(Cid record) {
        synchronized (lock) {
            CatalogEntry e = entries.get(record);
            return e != null && e.isLive() ? Optional.of(e.manifest()) : Optional.empty();
        }
    }

    /** Manifests of all live records, by record CID. */
    List<Manifest> liveManifests() {
        synchronized (lock) {
            List<Manifest> out = new ArrayList<>();
            for (CatalogEntry e : entries.values()) {
                if (e.isLive()) {
                    out.add(e.manifest());
                }
            }
            out.sort(Comparator.comparing(Manifest::recordCid));
            return out;
        }
    }

    /** Distinct shards placed on each node by committed records and writes in progress. */
    Map<String, Integer> shardCounts() {
        synchronized (lock) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (String id : nodes.ids()) {
                counts.put(id, references.distinctShardsOn(id));
            }
            return counts;
        }
    }

    /** Must hold the lock. Ends the writes; deletes the shards they stored that nothing references. */
    private void settleLocked(ShardWrites writes) {
        List<Manifest.ShardRef> written = writes.takeAll();
        for (Manifest.ShardRef ref : written) {
            references.removePending(ref);
        }
        for (Manifest.ShardRef ref : written) {
            if (!references.isReferenced(ref.nodeId(), ref.cid())) {
                try {
                    nodes.get(ref.nodeId()).backend().delete(ref.cid());
                } catch (IOException | RuntimeException e) {
                    // left as an orphan; garbage collection removes it later
                }
            }
        }
    }
}
