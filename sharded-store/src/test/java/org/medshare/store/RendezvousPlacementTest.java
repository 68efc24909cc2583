package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.medshare.store.backend.ShardBackend;

class RendezvousPlacementTest {
    private static final ShardBackend NONE = new ShardBackend() {
        @Override
        public void put(Cid cid, byte[] data, int offset, int length) throws IOException {
            throw new IOException();
        }

        @Override
        public Optional<byte[]> get(Cid cid) {
            return Optional.empty();
        }

        @Override
        public boolean delete(Cid cid) {
            return false;
        }

        @Override
        public boolean exists(Cid cid) {
            return false;
        }

        @Override
        public Set<Cid> list() {
            return Set.of();
        }
    };

    private static List<StorageNode> nodes(int count, int domains) {
        List<StorageNode> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(new StorageNode("node-" + i, "rack-" + (i % domains), NONE));
        }
        return out;
    }

    @Test
    void shardsOfAStripeUseDistinctNodesAndDomainsWhenPossible() {
        List<StorageNode> nodes = nodes(9, 3);
        for (int s = 0; s < 200; s++) {
            List<String> three = RendezvousPlacement.place("stripe-" + s, 3, nodes);
            Set<String> domains = new HashSet<>();
            for (String id : three) {
                domains.add("rack-" + (Integer.parseInt(id.substring(5)) % 3));
            }
            assertEquals(3, domains.size(), "3 shards in 3 racks: " + three);
            List<String> six = RendezvousPlacement.place("stripe-" + s, 6, nodes);
            assertEquals(6, new HashSet<>(six).size(), "6 shards on 6 distinct nodes: " + six);
            assertEquals(RendezvousPlacement.place("stripe-" + s, 6, nodes), six, "deterministic");
        }
        List<String> crowded = RendezvousPlacement.place("x", 6, nodes(4, 4));
        assertEquals(4, new HashSet<>(crowded).size(), "with 4 nodes every node is used before reuse");
        assertThrows(IllegalArgumentException.class, () -> RendezvousPlacement.place("x", 6, List.of()));
    }

    @Test
    void addingANodeMovesAboutOneNthOfShards() {
        List<StorageNode> ten = nodes(10, 10);
        List<StorageNode> eleven = nodes(11, 11);
        int moved = 0;
        int total = 0;
        int onNew = 0;
        for (int s = 0; s < 3000; s++) {
            List<String> before = RendezvousPlacement.place("rec/" + s, 6, ten);
            List<String> after = RendezvousPlacement.place("rec/" + s, 6, eleven);
            for (int i = 0; i < 6; i++) {
                total++;
                if (!before.get(i).equals(after.get(i))) {
                    moved++;
                }
                if (after.get(i).equals("node-10")) {
                    onNew++;
                }
            }
        }
        double fraction = moved / (double) total;
        // Ideal: 1/11 = 0.091 of the shards move, all onto the new node.
        assertTrue(fraction > 0.07 && fraction < 0.13, "moved fraction " + fraction);
        assertTrue(onNew / (double) total > 0.07 && onNew / (double) total < 0.11, "new node share " + onNew);
        // A shard displaced by the new node frees its old node for a later shard of the same stripe.
        assertTrue(moved - onNew < total / 20, "knock-on moves " + (moved - onNew));
    }
}
