package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationEvidence;

/**
 * A requesting enclave's plea for a key: its attestation evidence for the authority's nonce and
 * the query approval the caller obtained.
 *
 * <p>Encoding v1: u8 1, bytes nonce, bytes evidence, bytes approval.
 */
public record KeyReleaseRequest(byte[] nonce, AttestationEvidence evidence, QueryApproval approval) {
    public KeyReleaseRequest {
        nonce = nonce.clone();
    }

    public byte[] toBytes() {
        return new WireWriter()
                .u8(1)
                .bytes(nonce)
                .bytes(evidence.toBytes())
                .bytes(approval.toBytes())
                .toByteArray();
    }

    public static KeyReleaseRequest parse(byte[] bytes) throws GeneralSecurityException {
        WireReader r = WireReader.versioned(bytes, 1, "key release request");
        return r.end(
                new KeyReleaseRequest(r.bytes(), AttestationEvidence.parse(r.bytes()), QueryApproval.parse(r.bytes())));
    }
}
