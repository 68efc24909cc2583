package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.ledger.LedgerProof;

/**
 * A requesting enclave's plea for a key: its attestation evidence for the authority's nonce, the query approval the
 * caller obtained, and the proof that the query's QUERY_APPROVED event is on the ledger.
 *
 * <p>Encoding v2: u8 2, bytes nonce, bytes evidence, bytes approval, bytes ledger proof.
 */
public record KeyReleaseRequest(
        byte[] nonce, AttestationEvidence evidence, QueryApproval approval, LedgerProof approvalLogged) {
    public KeyReleaseRequest {
        nonce = nonce.clone();
    }

    public byte[] toBytes() {
        return new WireWriter()
                .u8(2)
                .bytes(nonce)
                .bytes(evidence.toBytes())
                .bytes(approval.toBytes())
                .bytes(approvalLogged.toBytes())
                .toByteArray();
    }

    public static KeyReleaseRequest parse(byte[] bytes) throws GeneralSecurityException {
        WireReader r = WireReader.versioned(bytes, 2, "key release request");
        return r.end(new KeyReleaseRequest(
                r.bytes(),
                AttestationEvidence.parse(r.bytes()),
                QueryApproval.parse(r.bytes()),
                LedgerProof.parse(r.bytes())));
    }
}
