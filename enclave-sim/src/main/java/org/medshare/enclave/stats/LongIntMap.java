package org.medshare.enclave.stats;

/** Open-addressing map from long to non-negative int (absent = 0); not thread-safe. */
final class LongIntMap {
    private long[] keys = new long[64];
    private int[] values = new int[64];
    private boolean[] used = new boolean[64];
    private int size;

    static int mix(long v) {
        long h = v * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    boolean isEmpty() {
        return size == 0;
    }

    int get(long k) {
        int mask = keys.length - 1;
        int i = mix(k) & mask;
        while (used[i]) {
            if (keys[i] == k) {
                return values[i];
            }
            i = (i + 1) & mask;
        }
        return 0;
    }

    void put(long k, int v) {
        int mask = keys.length - 1;
        int i = mix(k) & mask;
        while (used[i]) {
            if (keys[i] == k) {
                values[i] = v;
                return;
            }
            i = (i + 1) & mask;
        }
        used[i] = true;
        keys[i] = k;
        values[i] = v;
        if (++size * 2 > keys.length) {
            grow();
        }
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        boolean[] ou = used;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        used = new boolean[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ou[i]) {
                put(ok[i], ov[i]);
            }
        }
    }
}
