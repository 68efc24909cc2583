/**
 * Simulated remote attestation. SIMULATED: the keys live in an ordinary JVM.
 *
 * <p>{@link org.medshare.enclave.attest.SimRootCa} (held by the host) certifies a per-process
 * {@link org.medshare.enclave.attest.SimPlatform}, which certifies the attestation key of the
 * {@link org.medshare.enclave.attest.QuotingEnclave}; a {@link org.medshare.enclave.attest.Quote}
 * binds an enclave's identity and 32 bytes of report data under that key.
 * {@link org.medshare.enclave.attest.QuoteVerifier} checks the chain, the signature, the nonce
 * ({@link org.medshare.enclave.attest.NonceRegistry}) and an
 * {@link org.medshare.enclave.attest.EnclaveConstraint} (R3 Conclave's constraint vocabulary), and
 * yields a {@link org.medshare.enclave.attest.VerifiedEnclave} or an
 * {@link org.medshare.enclave.attest.AttestationException} with a reason. Simulated quotes pass only
 * a constraint that opts in explicitly, and never a production verifier.
 */
package org.medshare.enclave.attest;
