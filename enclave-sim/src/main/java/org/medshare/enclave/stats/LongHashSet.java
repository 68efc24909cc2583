package org.medshare.enclave.stats;

import java.util.Arrays;

/** Open-addressing set of longs (linear probing, power-of-two table); not thread-safe. */
final class LongHashSet {
    private static final long EMPTY = 0;
    private long[] table = new long[16];
    private boolean hasZero;
    private int size;

    static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    boolean add(long v) {
        if (v == EMPTY) {
            if (hasZero) {
                return false;
            }
            hasZero = true;
            size++;
            return true;
        }
        int mask = table.length - 1;
        int i = mix(v) & mask;
        while (true) {
            long t = table[i];
            if (t == EMPTY) {
                table[i] = v;
                if (++size * 2 > table.length) {
                    grow();
                }
                return true;
            }
            if (t == v) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] old = table;
        table = new long[old.length * 2];
        int mask = table.length - 1;
        for (long v : old) {
            if (v != EMPTY) {
                int i = mix(v) & mask;
                while (table[i] != EMPTY) {
                    i = (i + 1) & mask;
                }
                table[i] = v;
            }
        }
    }

    int size() {
        return size;
    }

    /** The elements in ascending (signed) order. */
    long[] sorted() {
        long[] out = new long[size];
        int n = 0;
        if (hasZero) {
            out[n++] = 0;
        }
        for (long v : table) {
            if (v != EMPTY) {
                out[n++] = v;
            }
        }
        Arrays.sort(out);
        return out;
    }
}
