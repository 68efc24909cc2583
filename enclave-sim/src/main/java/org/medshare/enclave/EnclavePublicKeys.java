package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * The enclave's session public keys, bound into its quotes through the report data: an X25519
 * key (RFC 7748) that others encrypt to, and an Ed25519 key (RFC 8032) that signs the enclave's
 * outputs. Both are generated inside the enclave at launch and never leave it in private form.
 *
 * <p>Encoding v1: u8 1, u32 length + X25519 SubjectPublicKeyInfo, u32 length + Ed25519
 * SubjectPublicKeyInfo.
 */
public final class EnclavePublicKeys {
    private final byte[] agreementSpki;
    private final byte[] signingSpki;

    public EnclavePublicKeys(PublicKey agreementKey, PublicKey signingKey) {
        if (!"XDH".equals(agreementKey.getAlgorithm()) && !"X25519".equals(agreementKey.getAlgorithm())) {
            throw new IllegalArgumentException("agreement key must be X25519");
        }
        if (!"EdDSA".equals(signingKey.getAlgorithm()) && !"Ed25519".equals(signingKey.getAlgorithm())) {
            throw new IllegalArgumentException("signing key must be Ed25519");
        }
        this.agreementSpki = agreementKey.getEncoded();
        this.signingSpki = signingKey.getEncoded();
    }

    public byte[] toBytes() {
        return new WireWriter().u8(1).bytes(agreementSpki).bytes(signingSpki).toByteArray();
    }

    public static EnclavePublicKeys parse(byte[] bytes) throws GeneralSecurityException {
        WireReader r = new WireReader(bytes);
        int v = r.u8();
        if (v != 1) {
            throw new MalformedEncodingException("unknown enclave public key encoding " + v);
        }
        byte[] a = r.bytes();
        byte[] s = r.bytes();
        r.expectEnd();
        return new EnclavePublicKeys(
                KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(a)),
                KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(s)));
    }

    public PublicKey agreementKey() throws GeneralSecurityException {
        return KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(agreementSpki));
    }

    public PublicKey signingKey() throws GeneralSecurityException {
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(signingSpki));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnclavePublicKeys k && Arrays.equals(toBytes(), k.toBytes());
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(toBytes());
    }
}
