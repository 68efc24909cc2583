package org.medshare.abe;

/**
 * Capability token required to read or write secret key material (Tink's pattern): every call site
 * that touches secret bytes passes one, so they can all be found with {@code grep SecretKeyAccess}.
 * Obtain it from {@link InsecureSecretKeyAccess#get()}.
 */
public final class SecretKeyAccess {
    static final SecretKeyAccess INSTANCE = new SecretKeyAccess();

    private SecretKeyAccess() {}
}
