package org.medshare.enclave.seal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.Hkdf;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * Sealing inside the enclave: AES-256-GCM (NIST SP 800-38D) under keys derived, as SGX's EGETKEY
 * derives seal keys, from the platform secret and the enclave's identity.
 *
 * <p>Key derivation: HKDF-SHA256 (RFC 5869) with IKM = platform secret, salt = {@code
 * medshare.seal.v1}, and info = policy ‖ identity ‖ debug ‖ keySvn ‖ keyId, where identity is MRENCLAVE
 * for {@link SealPolicy#MRENCLAVE} and MRSIGNER ‖ product id for {@link SealPolicy#MRSIGNER}.
 * keyId is 32 random bytes per blob (SGX's KEYID), keySvn the sealer's SVN. An enclave derives
 * keys only for keySvn ≤ its own SVN, so an upgrade can read older data but a downgrade cannot
 * read newer data.
 *
 * <p>Sealed blob v1: u32 magic "MSSL", u8 version=1, u8 policy, u16 keySvn, 32 keyId, 12 nonce,
 * u32 length + ciphertext‖tag. The GCM associated data is the header (magic through nonce)
 * followed by the length-prefixed caller AAD, so no header field can be altered.
 *
 * <p>Security guarantees: confidentiality and integrity of the plaintext against anyone without
 * the platform secret; every failure to unseal raises {@link SealingException}, with the same
 * message for every authentication failure. See {@link PlatformSecret} for the simulation caveat.
 */
public final class SealingKeys {
    static final int MAGIC = 0x4D53534C;
    static final int VERSION = 1;
    private static final byte[] SALT = "medshare.seal.v1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 12;
    private static final int KEY_ID_BYTES = 32;

    private final PlatformSecret platform;
    private final EnclaveIdentity identity;
    private final SecureRandom random;

    public SealingKeys(PlatformSecret platform, EnclaveIdentity identity, SecureRandom random) {
        this.platform = platform;
        this.identity = identity;
        this.random = random;
    }

    /** Seals {@code plaintext} under {@code policy}, authenticating {@code aad} (may be empty). */
    public byte[] seal(SealPolicy policy, byte[] plaintext, byte[] aad) throws GeneralSecurityException {
        byte[] keyId = new byte[KEY_ID_BYTES];
        random.nextBytes(keyId);
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        int keySvn = identity.svn();
        byte[] header = new WireWriter()
                .i32(MAGIC)
                .u8(VERSION)
                .u8(policy.wireCode())
                .u16(keySvn)
                .fixed(keyId)
                .fixed(nonce)
                .toByteArray();
        byte[] key = deriveKey(policy, keySvn, keyId);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(associatedData(header, aad));
            byte[] ct = c.doFinal(plaintext);
            return new WireWriter().fixed(header).bytes(ct).toByteArray();
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Opens a blob sealed by {@link #seal}.
     *
     * @throws SealingException if the blob is malformed, was sealed by a higher SVN, or does not
     *     authenticate under this enclave's key (different code for MRENCLAVE policy, different
     *     signer or product for MRSIGNER policy, another platform, altered bytes or AAD)
     */
    public byte[] unseal(byte[] sealed, byte[] aad) throws SealingException {
        WireReader r = new WireReader(sealed);
        SealPolicy policy;
        int keySvn;
        byte[] header;
        byte[] nonce;
        byte[] ct;
        byte[] keyId;
        try {
            if (r.i32() != MAGIC) {
                throw new SealingException("not a sealed blob (bad magic)");
            }
            int version = r.u8();
            if (version != VERSION) {
                throw new SealingException("unsupported sealed blob version " + version);
            }
            policy = SealPolicy.fromWire(r.u8());
            keySvn = r.u16();
            keyId = r.fixed(KEY_ID_BYTES);
            nonce = r.fixed(NONCE_BYTES);
            header = Arrays.copyOf(sealed, 4 + 1 + 1 + 2 + KEY_ID_BYTES + NONCE_BYTES);
            ct = r.bytes();
            r.expectEnd();
        } catch (MalformedEncodingException e) {
            throw new SealingException("malformed sealed blob: " + e.getMessage());
        }
        if (keySvn > identity.svn()) {
            throw new SealingException("blob was sealed by SVN " + keySvn + "; this enclave has SVN " + identity.svn()
                    + " and cannot derive its key");
        }
        byte[] key = deriveKey(policy, keySvn, keyId);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(associatedData(header, aad));
            return c.doFinal(ct);
        } catch (GeneralSecurityException e) {
            throw new SealingException("sealed blob does not authenticate for this enclave");
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The policy a blob was sealed under, without opening it. */
    public static SealPolicy policyOf(byte[] sealed) throws SealingException {
        try {
            WireReader r = new WireReader(sealed);
            if (r.i32() != MAGIC || r.u8() != VERSION) {
                throw new SealingException("not a version-1 sealed blob");
            }
            return SealPolicy.fromWire(r.u8());
        } catch (MalformedEncodingException e) {
            throw new SealingException("malformed sealed blob: " + e.getMessage());
        }
    }

    private static byte[] associatedData(byte[] header, byte[] aad) {
        return new WireWriter().fixed(header).bytes(aad).toByteArray();
    }

    private byte[] deriveKey(SealPolicy policy, int keySvn, byte[] keyId) {
        WireWriter info = new WireWriter().u8(policy.wireCode());
        switch (policy) {
            case MRENCLAVE -> info.fixed(identity.mrenclave());
            case MRSIGNER -> info.fixed(identity.mrsigner()).u16(identity.productId());
            default -> throw new IllegalStateException("unreachable");
        }
        info.u8(identity.debug() ? 1 : 0).u16(keySvn).fixed(keyId);
        byte[] ikm = platform.bytes(InsecureSecretKeyAccess.get());
        try {
            return Hkdf.sha256(ikm, SALT, info.toByteArray(), 32);
        } finally {
            Arrays.fill(ikm, (byte) 0);
        }
    }
}
