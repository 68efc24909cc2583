package org.medshare.ledger.replication;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Objects;

/**
 * A consortium member's Ed25519 signing key for checkpoints (RFC 8032, JDK
 * provider). The private key never leaves this object: it only signs. Its
 * {@link #toString()} names the member, never key material.
 */
public final class MemberKey {
    private final String memberId;
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private MemberKey(String memberId, KeyPair pair) {
        this.memberId = memberId;
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
    }

    /** Generates a fresh key for {@code memberId}. */
    public static MemberKey generate(String memberId) throws GeneralSecurityException {
        Objects.requireNonNull(memberId, "memberId");
        return new MemberKey(memberId, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
    }

    /** Wraps an existing Ed25519 key pair (for example one loaded from the member's key store). */
    public static MemberKey of(String memberId, KeyPair pair) {
        Objects.requireNonNull(memberId, "memberId");
        if (!"EdDSA".equals(pair.getPublic().getAlgorithm()) && !"Ed25519".equals(pair.getPublic().getAlgorithm())) {
            throw new IllegalArgumentException("member keys are Ed25519");
        }
        return new MemberKey(memberId, pair);
    }

    public String memberId() {
        return memberId;
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    byte[] sign(byte[] message) throws GeneralSecurityException {
        Signature signature = Signature.getInstance("Ed25519");
        signature.initSign(privateKey);
        signature.update(message);
        return signature.sign();
    }

    @Override
    public String toString() {
        return "MemberKey[" + memberId + "]";
    }
}
