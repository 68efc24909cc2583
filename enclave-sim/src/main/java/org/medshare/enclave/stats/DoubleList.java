package org.medshare.enclave.stats;

import java.util.Arrays;

/** A growable list of doubles without boxing; not thread-safe. */
final class DoubleList {
    private double[] a;
    private int n;

    DoubleList(int initialCapacity) {
        a = new double[initialCapacity];
    }

    void add(double v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n++] = v;
    }

    int size() {
        return n;
    }

    double get(int i) {
        return a[i];
    }
}
