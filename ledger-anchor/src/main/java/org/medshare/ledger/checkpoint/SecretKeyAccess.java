package org.medshare.ledger.checkpoint;

/**
 * Capability token required to export private key material; every place that touches a private key
 * outside its signer calls {@link #get()} and can be found with grep.
 */
public final class SecretKeyAccess {
    private static final SecretKeyAccess INSTANCE = new SecretKeyAccess();

    private SecretKeyAccess() {}

    public static SecretKeyAccess get() {
        return INSTANCE;
    }
}
