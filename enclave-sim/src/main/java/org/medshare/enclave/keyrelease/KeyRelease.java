package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * The authority's answer: the ABE user key wrapped to the requester's attested X25519 key, the
 * KEY_ISSUED record, and the authority's Ed25519 signature over the record (made with its
 * attested session key).
 *
 * <p>Wrapping: shared = X25519(authority ephemeral, requester key) (RFC 7748); key = HKDF-SHA256
 * (RFC 5869, salt "medshare.keyrelease.v1", info = ephemeral SPKI ‖ requester key bundle ‖
 * approval hash); AES-256-GCM with a random 12-byte nonce and approval hash ‖ quote hash as
 * associated data; the record carries the SHA-256 of the ciphertext. The
 * host relaying this message sees only ciphertext.
 *
 * <p>Encoding v1: u8 1, bytes record, bytes ephemeral SPKI, 12 nonce, bytes ciphertext, bytes
 * authority signature.
 */
public record KeyRelease(
        KeyReleaseRecord record, byte[] ephemeralSpki, byte[] nonce, byte[] wrappedKey, byte[] authoritySignature) {
    public KeyRelease {
        ephemeralSpki = ephemeralSpki.clone();
        nonce = nonce.clone();
        wrappedKey = wrappedKey.clone();
        authoritySignature = authoritySignature.clone();
    }

    /**
     * Checks the authority's Ed25519 signature over the record with the signing key from the
     * authority's verified attestation evidence ({@code EnclavePublicKeys#signingKey()}).
     *
     * @throws KeyReleaseException with reason UNWRAP_FAILED if the signature does not verify
     */
    public void verifyAuthoritySignature(EnclavePublicKeys authorityKeys) throws GeneralSecurityException {
        if (!Ed25519.verifies(authorityKeys.signingKey(), record.toBytes(), authoritySignature)) {
            throw new KeyReleaseException(
                    KeyReleaseException.Reason.UNWRAP_FAILED, "KEY_ISSUED record is not signed by this authority");
        }
    }

    public byte[] toBytes() {
        return new WireWriter()
                .u8(1)
                .bytes(record.toBytes())
                .bytes(ephemeralSpki)
                .fixed(nonce)
                .bytes(wrappedKey)
                .bytes(authoritySignature)
                .toByteArray();
    }

    public static KeyRelease parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "key release");
        return r.end(new KeyRelease(KeyReleaseRecord.parse(r.bytes()), r.bytes(), r.fixed(12), r.bytes(), r.bytes()));
    }
}
