package org.medshare.enclave.attest;

import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.TcbLevel;

/**
 * The outcome of a successful {@link QuoteVerifier#verify}: the enclave's identity and the public
 * key its quote binds (the report data commits to it), so the caller may encrypt to that key.
 */
public record VerifiedEnclave(
        EnclaveMode mode, EnclaveIdentity identity, TcbLevel tcbLevel, byte[] boundPublicKey, byte[] quoteHash) {
    public VerifiedEnclave {
        boundPublicKey = boundPublicKey.clone();
        quoteHash = quoteHash.clone();
    }

    @Override
    public byte[] boundPublicKey() {
        return boundPublicKey.clone();
    }

    @Override
    public byte[] quoteHash() {
        return quoteHash.clone();
    }
}
