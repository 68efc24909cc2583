package org.medshare.archfixture.abe;

import org.medshare.archfixture.store.FrameworkBoundStore;

/** Breaks "abe-crypto depends on nothing of ours". */
public class LeakyCipher {
    public Object storeOf() {
        return new FrameworkBoundStore();
    }
}
