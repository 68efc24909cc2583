package org.medshare.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestTest {

    static Manifest sample(long length, int k, int n, int shardSize) {
        long stripeBytes = (long) k * shardSize;
        long stripes = Math.max(1, (length + stripeBytes - 1) / stripeBytes);
        List<List<Manifest.ShardRef>> list = new ArrayList<>();
        for (int s = 0; s < stripes; s++) {
            List<Manifest.ShardRef> stripe = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                stripe.add(new Manifest.ShardRef(Cid.of(new byte[] {(byte) s, (byte) i}), "node-" + i));
            }
            list.add(stripe);
        }
        return new Manifest(Cid.of(new byte[] {1}), length, k, n, shardSize, list);
    }

    @Test
    void roundTripAndGeometry() {
        Manifest m = sample(10_000, 4, 6, 1000);
        assertEquals(m, Manifest.parse(m.toBytes()));
        assertEquals(3, m.stripeCount());
        assertEquals(4000, m.stripeLength(0));
        assertEquals(2000, m.stripeLength(2));
        assertEquals(500, m.shardLength(2));
        assertEquals(6 * 1000 * 2 + 6 * 500, m.storedBytes());
        Manifest empty = sample(0, 4, 6, 1000);
        assertEquals(1, empty.stripeCount());
        assertEquals(0, empty.shardLength(0));
        assertEquals(empty, Manifest.parse(empty.toBytes()));
        Manifest moved = m.withPlacement(1, 2, "elsewhere");
        assertEquals("elsewhere", moved.stripe(1).get(2).nodeId());
        assertEquals("node-2", m.stripe(1).get(2).nodeId());
    }

    @Test
    void refusesUnknownVersionTruncationTrailingAndBadMagic() {
        byte[] good = sample(5000, 4, 6, 1000).toBytes();
        byte[] v2 = good.clone();
        v2[4] = 2;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Manifest.parse(v2));
        assertTrue(e.getMessage().contains("version 2"));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(Arrays.copyOf(good, good.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(Arrays.copyOf(good, good.length + 1)));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(magic));
        byte[] stripeCount = good.clone();
        stripeCount[4 + 1 + 36 + 8 + 1 + 1 + 4 + 3] = 9;
        assertThrows(IllegalArgumentException.class, () -> Manifest.parse(stripeCount));
        assertThrows(IllegalArgumentException.class, () -> sample(5000, 4, 4, 1000));
    }

    @Test
    void catalogEntryRoundTripAndRefusals() {
        Manifest m = sample(5000, 4, 6, 1000);
        CatalogEntry e = new CatalogEntry(m, Map.of("hospital-a", 2, "hospital-b", 1), null);
        CatalogEntry back = CatalogEntry.parse(e.toBytes());
        assertEquals(m, back.manifest());
        assertEquals(Map.of("hospital-a", 2, "hospital-b", 1), back.references());
        assertTrue(back.isLive());
        CatalogEntry tomb = e.withReference("hospital-a", -2, Instant.ofEpochMilli(5))
                .withReference("hospital-b", -1, Instant.ofEpochMilli(7));
        CatalogEntry tombBack = CatalogEntry.parse(tomb.toBytes());
        assertEquals(Instant.ofEpochMilli(7), tombBack.tombstonedAt().orElseThrow());
        byte[] bad = e.toBytes();
        bad[4] = 9;
        assertThrows(IllegalArgumentException.class, () -> CatalogEntry.parse(bad));
        byte[] good = e.toBytes();
        assertThrows(IllegalArgumentException.class, () -> CatalogEntry.parse(Arrays.copyOf(good, good.length - 2)));
    }
}
