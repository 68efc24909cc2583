package org.medshare.store;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The damaged shards of one record, by stripe: what a repair must rebuild. Not thread-safe. */
final class RecordDamage {
    private final Manifest manifest;
    private final Map<Integer, Set<Integer>> byStripe = new TreeMap<>();

    RecordDamage(Manifest manifest) {
        this.manifest = manifest;
    }

    Manifest manifest() {
        return manifest;
    }

    void add(int stripe, int shard) {
        byStripe.computeIfAbsent(stripe, x -> new TreeSet<>()).add(shard);
    }

    boolean isEmpty() {
        return byStripe.isEmpty();
    }

    /** Damaged shard indices by stripe, stripes ascending. */
    Map<Integer, Set<Integer>> byStripe() {
        return Collections.unmodifiableMap(byStripe);
    }

    /** (n - k) minus the damaged shards of the worst stripe: negative when data is lost. */
    int spare() {
        int worst = 0;
        for (Set<Integer> s : byStripe.values()) {
            worst = Math.max(worst, s.size());
        }
        return manifest.totalShards() - manifest.dataShards() - worst;
    }
}
