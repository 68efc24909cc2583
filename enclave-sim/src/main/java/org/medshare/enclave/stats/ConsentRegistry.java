package org.medshare.enclave.stats;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records whose patient revoked consent to secondary use. The engine removes them from a query's
 * input before any key is requested or any chunk decrypted. Revocation is per record id because the
 * patient behind a record is only visible after decryption. Thread-safe.
 */
public final class ConsentRegistry {
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    public void revoke(String recordId) {
        revoked.add(recordId);
    }

    public boolean isRevoked(String recordId) {
        return revoked.contains(recordId);
    }
}
