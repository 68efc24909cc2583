package org.medshare.archfixture.service.rest;

import org.medshare.archfixture.abe.LeakyCipher;

/** Breaks "the REST layer never calls ABE decryption". */
public class DecryptingResource {
    public Object cipher() {
        return new LeakyCipher();
    }
}
