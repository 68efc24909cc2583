package org.medshare.enclave;

/**
 * Capability token required by every method that hands out secret key bytes (in the manner of
 * Tink's {@code SecretKeyAccess}). Its only purpose is to make each such call site findable with
 * {@code grep SecretAccess}.
 */
public final class SecretAccess {
  private static final SecretAccess INSTANCE = new SecretAccess();

  private SecretAccess() {}

  /** The token; calling this is a declaration that the caller handles secret bytes. */
  public static SecretAccess get() {
    return INSTANCE;
  }
}
