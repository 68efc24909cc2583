package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * What an enclave presents to a verifier: its {@link Quote} and the public keys the quote's
 * report data commits to (together with the verifier's nonce).
 *
 * <p>Encoding v1: u8 1, u32 length + quote, u32 length + public keys.
 */
public record AttestationEvidence(Quote quote, EnclavePublicKeys publicKeys) {

    public byte[] toBytes() {
        return new WireWriter()
                .u8(1)
                .bytes(quote.toBytes())
                .bytes(publicKeys.toBytes())
                .toByteArray();
    }

    public static AttestationEvidence parse(byte[] bytes) throws GeneralSecurityException {
        WireReader r = new WireReader(bytes);
        int v = r.u8();
        if (v != 1) {
            throw new MalformedEncodingException("unknown evidence encoding " + v);
        }
        Quote q = Quote.parse(r.bytes());
        EnclavePublicKeys k = EnclavePublicKeys.parse(r.bytes());
        r.expectEnd();
        return new AttestationEvidence(q, k);
    }

    /** Verifies the quote for {@code nonce} and the public keys presented with it. */
    public VerifiedEnclave verify(QuoteVerifier verifier, byte[] nonce) throws AttestationException {
        return verifier.verify(quote, nonce, publicKeys.toBytes());
    }
}
