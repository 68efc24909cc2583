package org.medshare.enclave.seal;

import org.medshare.enclave.MalformedEncodingException;

/**
 * Which identity a sealing key is bound to, after SGX's KEYPOLICY bits.
 *
 * <ul>
 *   <li>{@link #MRENCLAVE}: only the exact same code and configuration can unseal; any code change
 *       (including an upgrade) loses access.
 *   <li>{@link #MRSIGNER}: any enclave from the same signer and product id with an SVN at least
 *       the sealer's can unseal, so data survives upgrades while a downgraded (lower SVN) enclave
 *       cannot read what a newer one sealed.
 * </ul>
 */
public enum SealPolicy {
    MRENCLAVE(1),
    MRSIGNER(2);

    private final int wireCode;

    SealPolicy(int wireCode) {
        this.wireCode = wireCode;
    }

    public int wireCode() {
        return wireCode;
    }

    public static SealPolicy fromWire(int code) throws MalformedEncodingException {
        for (SealPolicy p : values()) {
            if (p.wireCode == code) {
                return p;
            }
        }
        throw new MalformedEncodingException("unknown seal policy " + code);
    }
}
