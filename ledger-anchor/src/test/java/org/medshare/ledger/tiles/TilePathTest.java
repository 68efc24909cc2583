package org.medshare.ledger.tiles;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TilePathTest {
    @Test
    void specExampleIndexIsWrittenInXGroups() throws Exception {
        assertEquals(
                "tile/0/x001/x234/067", TilePath.hashTile(0, 1_234_067, 256).toString());
        assertEquals(
                "tile/entries/x001/x234/067.p/8",
                TilePath.entryBundle(1_234_067, 8).toString());
        TilePath parsed = TilePath.parse("tile/3/x001/x234/067.p/255");
        assertFalse(parsed.isEntryBundle());
        assertEquals(3, parsed.level());
        assertEquals(1_234_067, parsed.index());
        assertEquals(255, parsed.width());
        assertTrue(parsed.isPartial());
        TilePath bundle = TilePath.parse("tile/entries/x001/x234/067");
        assertTrue(bundle.isEntryBundle());
        assertEquals(1_234_067, bundle.index());
        assertEquals(TilePath.WIDTH, bundle.width());
        assertFalse(bundle.isPartial());
    }

    @Test
    void smallIndicesAreZeroPaddedToThreeDigits() {
        assertEquals("tile/0/000", TilePath.hashTile(0, 0, 256).toString());
        assertEquals("tile/0/005.p/1", TilePath.hashTile(0, 5, 1).toString());
        assertEquals("tile/63/999", TilePath.hashTile(63, 999, 256).toString());
        assertEquals("tile/1/x001/000", TilePath.hashTile(1, 1000, 256).toString());
        assertEquals(
                "tile/entries/x999/x999/999",
                TilePath.entryBundle(999_999_999, 256).toString());
        assertEquals(
                "tile/0/x036/x028/x797/x018/x963/967",
                TilePath.hashTile(0, TilePath.MAX_INDEX, 256).toString());
    }

    @Test
    void everyPathRoundTrips() throws Exception {
        long[] indices = {
            0,
            1,
            9,
            10,
            99,
            100,
            999,
            1000,
            1001,
            65_535,
            999_999,
            1_000_000,
            1_234_067,
            4_294_967_296L,
            TilePath.MAX_INDEX - 1,
            TilePath.MAX_INDEX
        };
        int[] levels = {0, 1, 7, 9, 10, 63};
        int[] widths = {1, 2, 9, 10, 99, 100, 128, 255, 256};
        List<String> failures = new ArrayList<>();
        for (long n : indices) {
            for (int w : widths) {
                List<TilePath> paths = new ArrayList<>();
                paths.add(TilePath.entryBundle(n, w));
                for (int l : levels) {
                    paths.add(TilePath.hashTile(l, n, w));
                }
                for (TilePath p : paths) {
                    String s = p.toString();
                    TilePath back = TilePath.parse(s);
                    if (!back.equals(p)
                            || back.hashCode() != p.hashCode()
                            || !back.toString().equals(s)) {
                        failures.add(s);
                    }
                }
            }
        }
        assertEquals(List.of(), failures);
        assertNotEquals(TilePath.hashTile(0, 7, 256), TilePath.entryBundle(7, 256));
        assertNotEquals(TilePath.hashTile(0, 7, 256), TilePath.hashTile(0, 7, 255));
        assertNotEquals(TilePath.hashTile(0, 7, 256), TilePath.hashTile(1, 7, 256));
    }

    @Test
    void malformedPathsAreRefusedNamingTheRule() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("empty", "");
        cases.put("checkpoint-is-not-a-tile", "checkpoint");
        cases.put("leading-slash", "/tile/0/000");
        cases.put("no-tile-prefix", "tiles/0/000");
        cases.put("no-level", "tile/000");
        cases.put("no-index", "tile/0/");
        cases.put("level-only", "tile/0");
        cases.put("level-leading-zero", "tile/00/000");
        cases.put("level-64", "tile/64/000");
        cases.put("level-999", "tile/999/000");
        cases.put("level-negative", "tile/-1/000");
        cases.put("level-plus-sign", "tile/+1/000");
        cases.put("level-not-decimal", "tile/x/000");
        cases.put("index-one-digit", "tile/0/0");
        cases.put("index-two-digits", "tile/0/00");
        cases.put("index-four-digits", "tile/0/0000");
        cases.put("index-letters", "tile/0/abc");
        cases.put("index-space", "tile/0/ 00");
        cases.put("index-non-ascii-digits", "tile/0/\u0660\u0660\u0661");
        cases.put("index-leading-x000", "tile/0/x000/001");
        cases.put("index-leading-x000-bundle", "tile/entries/x000/x001/000");
        cases.put("index-group-without-x", "tile/0/001/002");
        cases.put("index-last-group-with-x", "tile/0/x001");
        cases.put("index-every-group-with-x", "tile/0/x001/x002");
        cases.put("index-capital-x", "tile/0/X001/000");
        cases.put("index-trailing-slash", "tile/0/x001/000/");
        cases.put("index-empty-group", "tile/0/x001//000");
        cases.put("index-above-max", "tile/0/x036/x028/x797/x018/x963/968");
        cases.put("index-seven-groups", "tile/0/x999/x999/x999/x999/x999/x999/999");
        cases.put("width-0", "tile/0/000.p/0");
        cases.put("width-256", "tile/0/000.p/256");
        cases.put("width-leading-zero", "tile/0/000.p/01");
        cases.put("width-empty", "tile/0/000.p/");
        cases.put("width-not-decimal", "tile/0/000.p/a");
        cases.put("width-trailing-path", "tile/0/000.p/5/1");
        cases.put("width-twice", "tile/0/000.p/5.p/5");
        cases.put("width-newline", "tile/0/000.p/5\n");
        cases.put("partial-marker-wrong", "tile/0/000.q/5");
        cases.put("partial-on-inner-group", "tile/0/x001.p/5/000");
        cases.put("bundle-no-index", "tile/entries/");
        cases.put("bundle-no-slash", "tile/entries");
        cases.put("bundle-width-256", "tile/entries/000.p/256");
        cases.put("bundle-with-level", "tile/entries/0/000");
        List<String> accepted = new ArrayList<>();
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try {
                TilePath p = TilePath.parse(c.getValue());
                accepted.add(c.getKey() + " -> " + p);
            } catch (MalformedTilePathException e) {
                if (!e.getMessage().startsWith("malformed tile path '")
                        || e.getMessage().contains("\n")) {
                    accepted.add(c.getKey() + " message: " + e.getMessage());
                }
            }
        }
        assertEquals(List.of(), accepted);
    }

    @Test
    void factoriesRefuseOutOfRangeCoordinates() {
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(-1, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(64, 0, 256));
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(0, -1, 256));
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(0, TilePath.MAX_INDEX + 1, 256));
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> TilePath.hashTile(0, 0, 257));
        assertThrows(IllegalArgumentException.class, () -> TilePath.entryBundle(0, 0));
        assertThrows(IllegalArgumentException.class, () -> TilePath.entryBundle(-5, 256));
    }

    @Test
    void rightMostPartialTileFollowsTheSpecFormula() {
        // the specification's example: a tree of 70,000 entries
        assertEquals(TilePath.hashTile(0, 273, 112), TilePath.partialHashTile(0, 70_000));
        assertEquals(TilePath.hashTile(1, 1, 17), TilePath.partialHashTile(1, 70_000));
        assertEquals(TilePath.hashTile(2, 0, 1), TilePath.partialHashTile(2, 70_000));
        assertNull(TilePath.partialHashTile(3, 70_000));
        assertNull(TilePath.partialHashTile(0, 256));
        assertEquals(TilePath.hashTile(1, 0, 1), TilePath.partialHashTile(1, 256));
        assertNull(TilePath.partialHashTile(0, 0));
        assertEquals(0, TilePath.completeNodes(8, Long.MAX_VALUE));
        assertEquals(Long.MAX_VALUE >>> 56, TilePath.completeNodes(7, Long.MAX_VALUE));
    }
}
