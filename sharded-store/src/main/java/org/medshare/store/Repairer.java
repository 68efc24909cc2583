package org.medshare.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds and rebuilds damaged shards. {@link #repair()} checks that every shard of every live
 * record exists on a healthy node (re-hashing the records a read found damaged);
 * {@link #rebuild} decodes each damaged shard from any k good ones of its stripe, records with
 * the fewest spare shards first, and writes it to its own node if healthy, else to the healthy
 * node rendezvous placement ranks first outside the nodes and failure domains the stripe still
 * uses. A changed placement is committed to the catalog; old copies become garbage. One rebuild
 * runs at a time. Thread-safe.
 */
final class Repairer {
    private final RecordTable table;
    private final StoreNodes nodes;
    private final RecordReader reader;
    private final Object rebuildLock = new Object();

    Repairer(RecordTable table, StoreNodes nodes, RecordReader reader) {
        this.table = table;
        this.nodes = nodes;
        this.reader = reader;
    }

    /** Finds the missing shards of live records (and corrupt ones of suspects) and rebuilds them. */
    RepairReport repair() throws IOException {
        List<RecordDamage> damaged = new ArrayList<>();
        Set<Cid> verifyFully = reader.suspects();
        for (Manifest m : table.liveManifests()) {
            boolean full = verifyFully.contains(m.recordCid());
            RecordDamage d = new RecordDamage(m);
            for (int s = 0; s < m.stripeCount(); s++) {
                List<Manifest.ShardRef> refs = m.stripe(s);
                for (int i = 0; i < refs.size(); i++) {
                    boolean ok = full
                            ? reader.fetchVerified(m.recordCid(), refs.get(i), m.shardLength(s)) != null
                            : existsOnHealthyNode(refs.get(i));
                    if (!ok) {
                        d.add(s, i);
                    }
                }
            }
            if (!d.isEmpty()) {
                damaged.add(d);
            }
        }
        reader.clearSuspects(verifyFully);
        return rebuild(damaged);
    }

    private boolean existsOnHealthyNode(Manifest.ShardRef ref) {
        StorageNode node = nodes.get(ref.nodeId());
        if (node == null || !nodes.isUp(node.id())) {
            return false;
        }
        try {
            return nodes.exists(node, ref.cid());
        } catch (IOException e) {
            return false;
        }
    }

    /** Rebuilds the damaged shards of every record in {@code damaged}, fewest spare shards first. */
    RepairReport rebuild(Collection<RecordDamage> damaged) throws IOException {
        List<RecordDamage> order = new ArrayList<>(damaged);
        order.sort(Comparator.comparingInt(RecordDamage::spare)
                .thenComparing(d -> d.manifest().recordCid()));
        synchronized (rebuildLock) {
            List<RepairReport.RecordRepair> out = new ArrayList<>();
            int rebuiltTotal = 0;
            int unrecoverable = 0;
            for (RecordDamage d : order) {
                RepairReport.RecordRepair repaired = rebuildRecord(d);
                out.add(repaired);
                rebuiltTotal += repaired.rebuilt();
                if (!repaired.recovered()) {
                    unrecoverable++;
                }
            }
            return new RepairReport(out, rebuiltTotal, unrecoverable);
        }
    }

    private RepairReport.RecordRepair rebuildRecord(RecordDamage d) throws IOException {
        Manifest m = d.manifest();
        ShardWrites writes = table.startWrites();
        int rebuilt = 0;
        boolean recovered = true;
        for (Map.Entry<Integer, Set<Integer>> e : d.byStripe().entrySet()) {
            int s = e.getKey();
            Set<Integer> bad = e.getValue();
            int shardLen = m.shardLength(s);
            byte[][] shards = readGoodShards(m, s, bad);
            if (shards == null) {
                recovered = false;
                continue;
            }
            Set<Integer> pending = new HashSet<>(bad);
            for (int i : bad) {
                Manifest.ShardRef ref = m.stripe(s).get(i);
                if (!ref.cid().matches(shards[i], 0, shardLen)) {
                    recovered = false;
                    continue;
                }
                String placed = writeRebuilt(m, s, i, shards[i], shardLen, pending, writes);
                if (placed == null) {
                    recovered = false;
                    continue;
                }
                pending.remove(i);
                rebuilt++;
                if (!placed.equals(ref.nodeId())) {
                    m = m.withPlacement(s, i, placed);
                }
            }
        }
        table.commitRepair(m, writes);
        return new RepairReport.RecordRepair(m.recordCid(), d.spare(), rebuilt, recovered);
    }

    /** Stripe s decoded from its first k good shards outside {@code bad}; null if fewer are good. */
    private byte[][] readGoodShards(Manifest m, int s, Set<Integer> bad) {
        int mk = m.dataShards();
        int mn = m.totalShards();
        int shardLen = m.shardLength(s);
        byte[][] shards = new byte[mn][];
        boolean[] present = new boolean[mn];
        int good = 0;
        for (int i = 0; i < mn && good < mk; i++) {
            if (bad.contains(i)) {
                continue;
            }
            byte[] b = reader.fetchVerified(m.recordCid(), m.stripe(s).get(i), shardLen);
            if (b != null) {
                shards[i] = b;
                present[i] = true;
                good++;
            }
        }
        if (good < mk) {
            return null;
        }
        RecordReader.decodeMissing(m, shards, present, shardLen);
        return shards;
    }

    /**
     * Writes a rebuilt shard to its own node if healthy and its failure domain is below the cap, else to the best
     * healthy node that keeps the cap given where the stripe's other shards are (those in {@code pending}, damaged
     * and not yet rebuilt, hold nothing). Returns the node id, or null.
     */
    private String writeRebuilt(
            Manifest m, int s, int i, byte[] data, int len, Set<Integer> pending, ShardWrites writes) {
        Manifest.ShardRef ref = m.stripe(s).get(i);
        List<String> others = new ArrayList<>();
        for (int j = 0; j < m.totalShards(); j++) {
            if (j != i && !pending.contains(j)) {
                others.add(m.stripe(s).get(j).nodeId());
            }
        }
        Map<String, Integer> domainUses = RendezvousPlacement.domainUses(others, nodes);
        StorageNode home = nodes.get(ref.nodeId());
        Set<String> tried = new HashSet<>();
        if (home != null
                && nodes.isUp(home.id())
                && domainUses.getOrDefault(home.failureDomain(), 0) < nodes.maxShardsPerDomain()) {
            tried.add(home.id());
            if (writes.write(home, ref.cid(), data, len)) {
                return home.id();
            }
        }
        StorageNode target = writes.writeToBestOther(
                m.recordCid() + "/" + s,
                i,
                tried,
                RendezvousPlacement.nodeUses(others),
                domainUses,
                ref.cid(),
                data,
                len);
        return target == null ? null : target.id();
    }
}
