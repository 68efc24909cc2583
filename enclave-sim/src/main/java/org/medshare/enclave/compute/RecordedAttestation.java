package org.medshare.enclave.compute;

import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.VerifiedEnclave;

/**
 * A worker attestation as the host recorded it: the evidence (quote and the public keys its report data
 * binds), the nonce the host challenged with, and what the host's own verification established. Evidence and
 * nonce are public and are kept with a result so that anyone can re-check the quote later with {@link
 * ResultVerifier}.
 */
public record RecordedAttestation(VerifiedEnclave verified, byte[] nonce, AttestationEvidence evidence) {
    public RecordedAttestation {
        nonce = nonce.clone();
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }
}
