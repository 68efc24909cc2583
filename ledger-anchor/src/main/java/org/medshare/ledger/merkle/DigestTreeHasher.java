package org.medshare.ledger.merkle;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.function.Supplier;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.digests.SM3Digest;

/** {@link TreeHasher} over a 32-byte digest; one digest object per thread, reused. */
final class DigestTreeHasher implements TreeHasher {
    static final DigestTreeHasher SHA256 = new DigestTreeHasher("sha-256", DigestTreeHasher::jdkSha256);
    static final DigestTreeHasher SM3 = new DigestTreeHasher("sm3", SM3Digest::new);

    private final String name;
    private final ThreadLocal<Digest> digest;
    private final byte[] empty;

    private DigestTreeHasher(String name, Supplier<Digest> factory) {
        this.name = name;
        this.digest = ThreadLocal.withInitial(factory);
        Digest d = factory.get();
        this.empty = new byte[d.getDigestSize()];
        d.doFinal(empty, 0);
    }

    @Override
    public int hashSize() {
        return empty.length;
    }

    @Override
    public byte[] emptyRoot() {
        return empty.clone();
    }

    @Override
    public byte[] hashLeaf(byte[] data) {
        Digest d = digest.get();
        d.update(LEAF_PREFIX);
        d.update(data, 0, data.length);
        byte[] out = new byte[empty.length];
        d.doFinal(out, 0);
        return out;
    }

    @Override
    public byte[] hashChildren(byte[] left, byte[] right) {
        if (left.length != empty.length || right.length != empty.length) {
            throw new IllegalArgumentException("child hashes must be " + empty.length + " bytes");
        }
        Digest d = digest.get();
        d.update(NODE_PREFIX);
        d.update(left, 0, left.length);
        d.update(right, 0, right.length);
        byte[] out = new byte[empty.length];
        d.doFinal(out, 0);
        return out;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return "TreeHasher[" + name + "]";
    }

    /** Adapts the JDK's SHA-256 (intrinsified on x86-64) to BouncyCastle's Digest interface. */
    private static Digest jdkSha256() {
        final MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
        return new Digest() {
            @Override
            public String getAlgorithmName() {
                return "SHA-256";
            }

            @Override
            public int getDigestSize() {
                return 32;
            }

            @Override
            public void update(byte in) {
                md.update(in);
            }

            @Override
            public void update(byte[] in, int off, int len) {
                md.update(in, off, len);
            }

            @Override
            public int doFinal(byte[] out, int off) {
                byte[] h = md.digest();
                System.arraycopy(h, 0, out, off, h.length);
                return h.length;
            }

            @Override
            public void reset() {
                md.reset();
            }
        };
    }
}
