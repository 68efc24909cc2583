package org.medshare.ledger.checkpoint;

/**
 * Capability token required to export private key material; every place that touches a private key
 * outside its signer calls {@link #get()} and can be found with grep.
 */
public final class SecretAccess {
    private static final SecretAccess INSTANCE = new SecretAccess();

    private SecretAccess() {}

    public static SecretAccess get() {
        return INSTANCE;
    }
}
