package org.medshare.ledger.replication;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Objects;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.CosignatureV1;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * A consortium member's checkpoint key, whose key name is the member id, so that
 * cosignatures can be carried as signature lines of the checkpoint's signed
 * note: an Ed25519 key ({@code nist}) cosigns in the C2SP tlog-cosignature v1
 * format ({@link CosignatureV1}, timestamped by the system clock); an SM2 key
 * ({@code gm}) signs plain signed-note lines, since that format is Ed25519 only.
 * The private key never leaves the signer: this object only signs. Its
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
        return of(memberId, suite.generateSigner(memberId));
    }

    /**
     * Wraps an existing signer (for example loaded from the member's key store); an Ed25519 signer becomes its
     * cosigner.
     *
     * @throws IllegalArgumentException if the signer's key name is not {@code memberId}
     */
    public static MemberKey of(String memberId, CheckpointSigner signer) {
        Objects.requireNonNull(signer, "signer");
        if (!signer.keyName().equals(memberId)) {
            throw new IllegalArgumentException("signer key name " + signer.keyName() + " is not member " + memberId);
        }
        boolean plainEd25519 = isEd25519(signer.verifier()) && !CosignatureV1.isCosignatureKey(signer.verifier());
        return new MemberKey(memberId, plainEd25519 ? CosignatureV1.cosigner(signer, Clock.systemUTC()) : signer);
    }

    /**
     * The key that checks a member's cosignatures, given its public key in either form: the cosignature/v1 key of
     * an Ed25519 key, an SM2 key itself.
     */
    public static NoteVerifier cosignatureKey(NoteVerifier key) {
        return isEd25519(key) ? CosignatureV1.verifier(key) : key;
    }

    private static boolean isEd25519(NoteVerifier key) {
        return "Ed25519".equals(key.algorithm());
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

    /** This member's signature line over a note's text (a cosignature for an Ed25519 member). */
    public NoteSignature signNote(String text) throws GeneralSecurityException {
        return signer.sign(text.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "MemberKey[" + memberId + "]";
    }
}
