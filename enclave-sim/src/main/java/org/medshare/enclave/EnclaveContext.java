package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Optional;
import org.medshare.abe.SecretKeyAccess;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.seal.SealingKeys;

/**
 * What code inside the enclave may use: its own identity, attestation, its session keys (the
 * private halves never leave), sealing, and the ABE user keys released to it.
 */
public interface EnclaveContext {
    EnclaveIdentity identity();

    /** The measured launch configuration (its hash is the identity's CONFIGID). */
    EnclaveConfig config();

    /** The public keys bound into this enclave's quotes. */
    EnclavePublicKeys publicKeys();

    /** A quote for the verifier's nonce, binding {@link #publicKeys()}. */
    AttestationEvidence attest(byte[] verifierNonce) throws GeneralSecurityException;

    /** Ed25519 signature with the enclave's session signing key (its public half is attested). */
    byte[] sign(byte[] message) throws GeneralSecurityException;

    /**
     * X25519 agreement with the enclave's session key: the raw shared secret with {@code peer}.
     * Callers must feed it through a KDF; requires {@link SecretKeyAccess}.
     */
    byte[] agree(PublicKey peer, SecretKeyAccess access) throws GeneralSecurityException;

    SealingKeys sealing();

    /** Per-enclave storage for values other in-enclave services install (e.g. released keys). */
    <T> Optional<T> attachment(String name, Class<T> type);

    <T> void attach(String name, T value);
}
