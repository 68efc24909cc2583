package org.medshare.enclave;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The measured identity of an enclave instance, as SGX reports it: MRENCLAVE, MRSIGNER,
 * CONFIGID, ISVPRODID, ISVSVN and the DEBUG attribute.
 *
 * <ul>
 *   <li>{@code mrenclave} = SHA-256("medshare.mrenclave.v1" ‖ codeHash ‖ configId), where codeHash
 *       is {@link CodeSet#codeHash()} and configId is {@link EnclaveConfig#configId()}.
 *   <li>{@code mrsigner} = SHA-256 of the DER SubjectPublicKeyInfo of the key that signed the
 *       enclave's {@link SigStruct} (SGX uses the hash of the RSA modulus).
 *   <li>{@code productId} (0..65535) and {@code svn} (0..65535) come from the signed SigStruct.
 * </ul>
 *
 * Immutable; byte arrays are copied in and out.
 */
public final class EnclaveIdentity {
    private static final byte[] MRENCLAVE_DOMAIN = "medshare.mrenclave.v1".getBytes(StandardCharsets.US_ASCII);

    private final byte[] mrenclave;
    private final byte[] mrsigner;
    private final byte[] configId;
    private final int productId;
    private final int svn;
    private final boolean debug;

    public EnclaveIdentity(byte[] mrenclave, byte[] mrsigner, byte[] configId, int productId, int svn, boolean debug) {
        this.mrenclave = check32(mrenclave, "mrenclave");
        this.mrsigner = check32(mrsigner, "mrsigner");
        this.configId = check32(configId, "configId");
        this.productId = checkU16(productId, "productId");
        this.svn = checkU16(svn, "svn");
        this.debug = debug;
    }

    static byte[] check32(byte[] b, String what) {
        if (b == null || b.length != 32) {
            throw new IllegalArgumentException(what + " must be 32 bytes");
        }
        return b.clone();
    }

    static int checkU16(int v, String what) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be in 0..65535, was " + v);
        }
        return v;
    }

    /** MRENCLAVE for a code hash and a config id (both 32 bytes). */
    public static byte[] mrenclave(byte[] codeHash, byte[] configId) {
        return Sha256.hash(MRENCLAVE_DOMAIN, check32(codeHash, "codeHash"), check32(configId, "configId"));
    }

    public byte[] mrenclave() {
        return mrenclave.clone();
    }

    public byte[] mrsigner() {
        return mrsigner.clone();
    }

    public byte[] configId() {
        return configId.clone();
    }

    public int productId() {
        return productId;
    }

    public int svn() {
        return svn;
    }

    public boolean debug() {
        return debug;
    }

    /** Encoding v1: u8 1, 32 mrenclave, 32 mrsigner, 32 configId, u16 productId, u16 svn, u8 debug. */
    public byte[] toBytes() {
        return new WireWriter()
                .u8(1)
                .fixed(mrenclave)
                .fixed(mrsigner)
                .fixed(configId)
                .u16(productId)
                .u16(svn)
                .u8(debug ? 1 : 0)
                .toByteArray();
    }

    public static EnclaveIdentity parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = new WireReader(bytes);
        if (r.u8() != 1) {
            throw new MalformedEncodingException("unknown identity encoding");
        }
        return r.end(new EnclaveIdentity(r.fixed(32), r.fixed(32), r.fixed(32), r.u16(), r.u16(), r.u8() == 1));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnclaveIdentity other
                && MessageDigest.isEqual(mrenclave, other.mrenclave)
                && MessageDigest.isEqual(mrsigner, other.mrsigner)
                && MessageDigest.isEqual(configId, other.configId)
                && productId == other.productId
                && svn == other.svn
                && debug == other.debug;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mrenclave) * 31 + svn;
    }

    @Override
    public String toString() {
        return "EnclaveIdentity{mode=SIMULATED, mrenclave="
                + Hex.of(mrenclave)
                + ", mrsigner="
                + Hex.of(mrsigner)
                + ", productId="
                + productId
                + ", svn="
                + svn
                + ", debug="
                + debug
                + "}";
    }
}
