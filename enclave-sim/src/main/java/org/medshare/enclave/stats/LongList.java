package org.medshare.enclave.stats;

import java.util.Arrays;

/** A growable list of longs without boxing; not thread-safe. */
final class LongList {
    private long[] a;
    private int n;

    LongList(int initialCapacity) {
        a = new long[initialCapacity];
    }

    void add(long v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = v;
    }

    int size() {
        return n;
    }

    long get(int i) {
        return a[i];
    }

    /** Adds {@code v} to the last element (wrapping on overflow). */
    void addToLast(long v) {
        a[n - 1] += v;
    }

    /** A copy of the elements. */
    long[] toArray() {
        return Arrays.copyOf(a, n);
    }
}
