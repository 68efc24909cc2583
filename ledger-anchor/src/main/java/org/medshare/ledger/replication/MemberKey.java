package org.medshare.ledger.replication;

import java.security.GeneralSecurityException;
import java.util.Objects;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * A consortium member's checkpoint key: a C2SP signed-note signer (Ed25519 for
 * {@code nist}, SM2 for {@code gm}) whose key name is the member id, so that
 * cosignatures can be carried as signature lines of the checkpoint's signed
 * note. The private key never leaves the signer: this object only signs. Its
 * {@link #toString()} names the member, never key material.
 */
public final class MemberKey {
    private final String memberId;
    private final CheckpointSigner signer;

    private MemberKey(String memberId, CheckpointSigner signer) {
        this.memberId = memberId;
        this.signer = signer;
    }

    /** Generates a fresh Ed25519 key named {@code memberId}. */
    public static MemberKey generate(String memberId) throws GeneralSecurityException {
        return generate(memberId, LedgerSuite.NIST);
    }

    /** Generates a fresh key of {@code suite}'s algorithm named {@code memberId}. */
    public static MemberKey generate(String memberId, LedgerSuite suite) throws GeneralSecurityException {
        Objects.requireNonNull(memberId, "memberId");
        return new MemberKey(memberId, suite.generateSigner(memberId));
    }

    /**
     * Wraps an existing signer (for example loaded from the member's key store).
     *
     * @throws IllegalArgumentException if the signer's key name is not {@code memberId}
     */
    public static MemberKey of(String memberId, CheckpointSigner signer) {
        Objects.requireNonNull(signer, "signer");
        if (!signer.keyName().equals(memberId)) {
            throw new IllegalArgumentException("signer key name " + signer.keyName() + " is not member " + memberId);
        }
        return new MemberKey(memberId, signer);
    }

    public String memberId() {
        return memberId;
    }

    /** @return the public verifier to put in every member's {@link MemberDirectory} */
    public NoteVerifier verifier() {
        return signer.verifier();
    }

    byte[] sign(byte[] message) throws GeneralSecurityException {
        return signer.sign(message).signature();
    }

    @Override
    public String toString() {
        return "MemberKey[" + memberId + "]";
    }
}
