package org.medshare.enclave;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;

/**
 * The enclave vendor's signature over an enclave build, modelled on SGX's SIGSTRUCT: it names the
 * expected MRENCLAVE, the product id and the security version (SVN), and is signed with the
 * vendor's Ed25519 key (RFC 8032). At launch ({@link #launch}) the measured MRENCLAVE must equal
 * the signed one, as EINIT requires; the signer's key hash becomes MRSIGNER.
 *
 * <p>Wire format v1: u8 version=1, 32-byte mrenclave, u16 productId, u16 svn, bytes signerSpki,
 * bytes signature, where the signature covers the domain label {@code medshare.sigstruct.v1}
 * followed by everything before the signature.
 */
public final class SigStruct {
    private static final int VERSION = 1;
    private static final String DOMAIN = "medshare.sigstruct.v1";

    private final byte[] mrenclave;
    private final int productId;
    private final int svn;
    private final byte[] signerSpki;
    private final byte[] signature;

    private SigStruct(byte[] mrenclave, int productId, int svn, byte[] signerSpki, byte[] signature) {
        this.mrenclave = mrenclave;
        this.productId = productId;
        this.svn = svn;
        this.signerSpki = signerSpki;
        this.signature = signature;
    }

    /** Signs a build: the vendor's step after measuring the code set and the configuration. */
    public static SigStruct sign(byte[] mrenclave, int productId, int svn, KeyPair vendorKey)
            throws GeneralSecurityException {
        byte[] mr = EnclaveIdentity.check32(mrenclave, "mrenclave");
        EnclaveIdentity.checkU16(productId, "productId");
        EnclaveIdentity.checkU16(svn, "svn");
        byte[] spki = vendorKey.getPublic().getEncoded();
        return new SigStruct(
                mr, productId, svn, spki, Ed25519.sign(vendorKey.getPrivate(), signedPart(mr, productId, svn, spki)));
    }

    /** Convenience: measure {@code code} with {@code config} and sign the result. */
    public static SigStruct sign(CodeSet code, EnclaveConfig config, int productId, int svn, KeyPair vendorKey)
            throws GeneralSecurityException {
        return sign(EnclaveIdentity.mrenclave(code.codeHash(), config.configId()), productId, svn, vendorKey);
    }

    private static byte[] signedPart(byte[] mr, int productId, int svn, byte[] spki) {
        return new WireWriter()
                .utf8(DOMAIN)
                .u8(VERSION)
                .fixed(mr)
                .u16(productId)
                .u16(svn)
                .bytes(spki)
                .toByteArray();
    }

    /**
     * The simulated EINIT: verifies the vendor signature and that the measured code and
     * configuration match the signed MRENCLAVE, then returns the enclave's identity.
     *
     * @throws EnclaveLaunchException if the signature is invalid or the measurement differs
     */
    public EnclaveIdentity launch(CodeSet code, EnclaveConfig config) throws EnclaveLaunchException {
        byte[] measured = EnclaveIdentity.mrenclave(code.codeHash(), config.configId());
        try {
            PublicKey pk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(signerSpki));
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(pk);
            s.update(signedPart(mrenclave, productId, svn, signerSpki));
            if (!s.verify(signature)) {
                throw new EnclaveLaunchException("SIGSTRUCT signature invalid");
            }
        } catch (GeneralSecurityException e) {
            if (e instanceof EnclaveLaunchException le) {
                throw le;
            }
            throw new EnclaveLaunchException("SIGSTRUCT signer key or signature unusable");
        }
        if (!MessageDigest.isEqual(measured, mrenclave)) {
            throw new EnclaveLaunchException("measured MRENCLAVE "
                    + Hex.of(measured)
                    + " does not match the signed MRENCLAVE "
                    + Hex.of(mrenclave));
        }
        return new EnclaveIdentity(measured, mrsigner(), config.configId(), productId, svn, config.debug());
    }

    /** SHA-256 of the signer's SubjectPublicKeyInfo. */
    public byte[] mrsigner() {
        return Sha256.hash(signerSpki);
    }

    /** MRSIGNER of a vendor public key, for verifier constraints. */
    public static byte[] mrsignerOf(PublicKey vendorKey) {
        return Sha256.hash(vendorKey.getEncoded());
    }

    public byte[] mrenclave() {
        return mrenclave.clone();
    }

    public int productId() {
        return productId;
    }

    public int svn() {
        return svn;
    }

    public byte[] toBytes() {
        return new WireWriter()
                .u8(VERSION)
                .fixed(mrenclave)
                .u16(productId)
                .u16(svn)
                .bytes(signerSpki)
                .bytes(signature)
                .toByteArray();
    }

    public static SigStruct parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, VERSION, "SIGSTRUCT");
        return r.end(new SigStruct(r.fixed(32), r.u16(), r.u16(), r.bytes(), r.bytes()));
    }

    @Override
    public String toString() {
        return "SigStruct{mrenclave=" + Hex.of(mrenclave) + ", productId=" + productId + ", svn=" + svn + "}";
    }
}
