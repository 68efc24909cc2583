/**
 * enclave-sim: a software simulation of an SGX-style trusted execution environment. Everything
 * here is SIMULATED: the enclave is an ordinary JVM process that the host's operating-system user
 * can read, and every quote, banner and {@code toString} says so.
 *
 * <p>What is faithful to SGX semantics:
 *
 * <ul>
 *   <li>Measurement ({@link org.medshare.enclave.CodeSet}, {@link
 *       org.medshare.enclave.EnclaveIdentity}): MRENCLAVE = SHA-256 over the enclave classes'
 *       bytes in sorted name order and the configuration id; MRSIGNER = hash of the vendor key
 *       that signed the {@link org.medshare.enclave.SigStruct}; product id and SVN from the
 *       SigStruct. Launch (the simulated EINIT) refuses code that does not match its SigStruct.
 *   <li>Attestation ({@code attest}): quotes signed by an attestation key certified SimRoot →
 *       SimPlatform → attestation key; the SimRoot key stays with the host. Verification follows
 *       R3 Conclave's constraint vocabulary and accepts SIMULATED only with an explicit opt-in
 *       that production verifiers refuse.
 *   <li>Sealing ({@code seal}): AES-GCM keys derived from a platform secret and MRENCLAVE or
 *       MRSIGNER + product id, with SGX's SVN rule.
 *   <li>Isolation ({@code host}, {@code protocol}): the enclave runs in its own JVM and is reached
 *       only through a versioned length-prefixed protocol on its stdin/stdout.
 *   <li>Key release ({@code keyrelease}): the ABE key authority runs inside an enclave with its
 *       master key sealed, and releases user keys only to attested enclaves for approved queries.
 * </ul>
 *
 * <p>Hook for in-enclave computations (the statistics engine): implement {@link
 * org.medshare.enclave.EnclaveService}, register it in {@code
 * META-INF/services/org.medshare.enclave.EnclaveService}, and the host reaches it with {@code
 * EnclaveHost.call(name, request)}. Inside, {@link org.medshare.enclave.EnclaveContext} gives the
 * enclave identity, result signing with the attested key, sealing, and the ABE user key released
 * for a query ({@code KeyRequesterService.releasedKey(context, queryId)}).
 */
package org.medshare.enclave;
