package org.medshare.enclave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.Icd10;
import org.medshare.enclave.rows.RowLayout;
import org.medshare.enclave.rows.Sex;

/** {@link GroupIndex}: group numbers and released keys. */
class GroupIndexTest {
    /** Age band 9, male, hospital 77. */
    private static final AnalyticsRow ROW =
            AnalyticsRow.of(5, 9, Sex.MALE, new int[] {Icd10.encode("I10")}, 1, 1, 202403, 77);

    @Test
    void groupIndexIsMixedRadixWithTheLastDimensionFastest() {
        GroupIndex index = new GroupIndex(List.of(Dimension.SEX, Dimension.AGE_BAND));
        assertEquals(4 * 32, index.count());
        int packed = RowLayout.packed(ROW.toBytes(), 0);
        int g = index.indexOf(packed);
        assertEquals(Sex.MALE.code() * 32 + 9, g);
        SortedMap<String, String> key = new TreeMap<>(Map.of("sex", "male", "ageBand", "45-49"));
        assertEquals(key, index.key(g));
        GroupIndex none = new GroupIndex(List.of());
        assertEquals(1, none.count());
        assertEquals(0, none.indexOf(packed));
        assertEquals(Map.of(), none.key(0));
    }

    @Test
    void everyGroupHasItsOwnKey() {
        GroupIndex index = new GroupIndex(List.of(Dimension.SEX, Dimension.SERVICE_YEAR));
        Set<SortedMap<String, String>> keys = new HashSet<>();
        for (int g = 0; g < index.count(); g++) {
            keys.add(index.key(g));
        }
        assertEquals(4 * 171, keys.size());
        assertEquals(Map.of("sex", "unknown", "serviceYear", "1900"), index.key(0));
        assertEquals(Map.of("sex", "other", "serviceYear", "2070"), index.key(index.count() - 1));
    }
}
