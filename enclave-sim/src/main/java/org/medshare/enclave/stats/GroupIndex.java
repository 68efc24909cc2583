package org.medshare.enclave.stats;

import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.medshare.enclave.rows.RowLayout;

/**
 * Maps a row to its group under a template's group-by: the index is mixed radix over the dimensions'
 * values, the last dimension varying fastest, so groups are numbered {@code 0 <= g < count()}. With
 * no dimension there is one group, 0.
 */
final class GroupIndex {
    private final Dimension[] dimensions;
    private final int[] strides;
    private final int count;

    GroupIndex(List<Dimension> groupBy) {
        dimensions = groupBy.toArray(new Dimension[0]);
        strides = new int[dimensions.length];
        int stride = 1;
        for (int i = dimensions.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dimensions[i].domain;
        }
        count = stride;
    }

    /** Number of groups: the product of the dimensions' domains. */
    int count() {
        return count;
    }

    /** The group of a row with this packed word ({@link RowLayout#packed}). */
    int indexOf(int packed) {
        int g = 0;
        for (int d = 0; d < dimensions.length; d++) {
            g += strides[d] * dimensions[d].valueOf(packed);
        }
        return g;
    }

    /** The released key of group {@code g}: dimension name to the label of its value. */
    SortedMap<String, String> key(int g) {
        SortedMap<String, String> key = new TreeMap<>();
        for (int d = 0; d < dimensions.length; d++) {
            Dimension dim = dimensions[d];
            key.put(dim.jsonName(), dim.label((g / strides[d]) % dim.domain));
        }
        return key;
    }
}
