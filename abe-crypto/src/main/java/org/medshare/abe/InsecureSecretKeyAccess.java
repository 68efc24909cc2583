package org.medshare.abe;

/**
 * The only source of {@link SecretKeyAccess} tokens. Calling {@link #get()} marks code that reads or
 * writes secret key bytes (key files, sealing); review such call sites.
 */
public final class InsecureSecretKeyAccess {
    private InsecureSecretKeyAccess() {}

    public static SecretKeyAccess get() {
        return SecretKeyAccess.INSTANCE;
    }
}
