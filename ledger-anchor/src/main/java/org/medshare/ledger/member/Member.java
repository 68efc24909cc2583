package org.medshare.ledger.member;

import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.event.SaltedHash;

/**
 * A consortium member: its id (the certificate's CN, also its checkpoint key name), its X.509
 * certificate issued by the consortium CA, and the note verifier for its certified public key.
 */
public record Member(String id, X509Certificate certificate, NoteVerifier verifier) {
    /** SHA-256 of the DER certificate: what MEMBER_ADMITTED events record. */
    public byte[] fingerprint() {
        return fingerprint(certificate);
    }

    public static byte[] fingerprint(X509Certificate cert) {
        try {
            return SaltedHash.sha256(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }
}
