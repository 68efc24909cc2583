/**
 * Simulated sealing: AES-GCM keys derived from the platform secret and the enclave's MRENCLAVE, or its
 * MRSIGNER and product id ({@link org.medshare.enclave.seal.SealPolicy}), with SGX's rule that code of
 * a lower SVN cannot unseal what a higher SVN sealed ({@link org.medshare.enclave.seal.SealingKeys}).
 * The {@link org.medshare.enclave.seal.PlatformSecret} is read only with a
 * {@code org.medshare.abe.SecretKeyAccess}.
 */
package org.medshare.enclave.seal;
