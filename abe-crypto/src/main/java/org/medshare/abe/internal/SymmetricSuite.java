package org.medshare.abe.internal;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Hash, HKDF (RFC 5869) and chunk AEAD of a symmetric suite: SHA-256 + AES-256-GCM through the JDK,
 * or SM3 + SM4-GCM through BouncyCastle's lightweight API (no global provider registration).
 */
public abstract class SymmetricSuite {
    public static final int TAG_BYTES = 16;
    public static final int NONCE_BYTES = 12;

    private SymmetricSuite() {}

    public static SymmetricSuite nist() {
        return new Nist();
    }

    public static SymmetricSuite gm() {
        return new Gm();
    }

    public abstract byte[] hash(byte[] data);

    abstract byte[] hmac(byte[] key, byte[] data);

    abstract int hashLength();

    public abstract int keyLength();

    /** A per-key chunk cipher. */
    public abstract ChunkAead aead(byte[] key);

    /** HKDF-Extract then HKDF-Expand (RFC 5869 §2). */
    public byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        int hl = hashLength();
        if (length > 255 * hl) {
            throw new IllegalArgumentException("HKDF output too long");
        }
        byte[] prk = hmac(salt.length == 0 ? new byte[hl] : salt, ikm);
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            byte[] in = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, in, 0, t.length);
            System.arraycopy(info, 0, in, t.length, info.length);
            in[in.length - 1] = (byte) i;
            t = hmac(prk, in);
            int n = Math.min(hl, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        Arrays.fill(prk, (byte) 0);
        return out;
    }

    /** AEAD over one chunk; output of encrypt is ciphertext||tag. */
    public interface ChunkAead {
        /** Encrypts {@code in[0..len)} into {@code out}, returning the bytes written (len + 16). */
        int encrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException;

        /** Decrypts and verifies; returns plaintext length. Throws on a bad tag. */
        int decrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out) throws GeneralSecurityException;
    }

    private static final class Nist extends SymmetricSuite {
        @Override
        public byte[] hash(byte[] data) {
            return Sha256.hash(data);
        }

        @Override
        byte[] hmac(byte[] key, byte[] data) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(data);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        int hashLength() {
            return 32;
        }

        @Override
        public int keyLength() {
            return 32;
        }

        @Override
        public ChunkAead aead(byte[] key) {
            SecretKeySpec k = new SecretKeySpec(key, "AES");
            Cipher cipher;
            try {
                cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
            return new ChunkAead() {
                @Override
                public int encrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                        throws GeneralSecurityException {
                    cipher.init(Cipher.ENCRYPT_MODE, k, new GCMParameterSpec(128, nonce));
                    cipher.updateAAD(aad);
                    return cipher.doFinal(in, 0, len, out, 0);
                }

                @Override
                public int decrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                        throws GeneralSecurityException {
                    cipher.init(Cipher.DECRYPT_MODE, k, new GCMParameterSpec(128, nonce));
                    cipher.updateAAD(aad);
                    return cipher.doFinal(in, 0, len, out, 0);
                }
            };
        }
    }

    private static final class Gm extends SymmetricSuite {
        @Override
        public byte[] hash(byte[] data) {
            SM3Digest d = new SM3Digest();
            d.update(data, 0, data.length);
            byte[] out = new byte[32];
            d.doFinal(out, 0);
            return out;
        }

        @Override
        byte[] hmac(byte[] key, byte[] data) {
            HMac mac = new HMac(new SM3Digest());
            mac.init(new KeyParameter(key));
            mac.update(data, 0, data.length);
            byte[] out = new byte[32];
            mac.doFinal(out, 0);
            return out;
        }

        @Override
        int hashLength() {
            return 32;
        }

        @Override
        public int keyLength() {
            return 16;
        }

        @Override
        public ChunkAead aead(byte[] key) {
            KeyParameter k = new KeyParameter(key);
            GCMModeCipher gcm = GCMBlockCipher.newInstance(new SM4Engine());
            return new ChunkAead() {
                @Override
                public int encrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                        throws GeneralSecurityException {
                    return run(true, nonce, aad, in, len, out);
                }

                @Override
                public int decrypt(byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                        throws GeneralSecurityException {
                    return run(false, nonce, aad, in, len, out);
                }

                private int run(boolean enc, byte[] nonce, byte[] aad, byte[] in, int len, byte[] out)
                        throws GeneralSecurityException {
                    gcm.init(enc, new AEADParameters(k, 128, nonce, aad));
                    int n = gcm.processBytes(in, 0, len, out, 0);
                    try {
                        return n + gcm.doFinal(out, n);
                    } catch (InvalidCipherTextException e) {
                        throw new AEADBadTagException("tag mismatch");
                    }
                }
            };
        }
    }
}
