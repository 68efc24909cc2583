package org.medshare.ledger.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link Checkpoint} together with its signed note (C2SP tlog-checkpoint over C2SP signed-note).
 * Immutable. The note text is always exactly {@code checkpoint.format()}.
 */
public record SignedCheckpoint(Checkpoint checkpoint, SignedNote note) {
    public SignedCheckpoint {
        if (!note.text().equals(checkpoint.format())) {
            throw new IllegalArgumentException("note text is not this checkpoint");
        }
    }

    /** Signs a checkpoint with one key. */
    public static SignedCheckpoint sign(Checkpoint cp, CheckpointSigner signer) throws GeneralSecurityException {
        return new SignedCheckpoint(cp, SignedNote.sign(cp.format(), signer));
    }

    /** Parses the signed note text of a checkpoint (signatures are not verified here). */
    public static SignedCheckpoint parse(String signedNote, int hashSize) throws MalformedNoteException {
        SignedNote note = SignedNote.parse(signedNote);
        return new SignedCheckpoint(Checkpoint.parse(note.text(), hashSize), note);
    }

    public String format() {
        return note.format();
    }

    /** A copy carrying additional (co)signatures over the same text. */
    public SignedCheckpoint withSignatures(List<NoteSignature> extra) {
        return new SignedCheckpoint(checkpoint, note.withSignatures(extra));
    }

    /** A cosignature by {@code signer} over this checkpoint's text. */
    public NoteSignature cosign(CheckpointSigner signer) throws GeneralSecurityException {
        return signer.sign(checkpoint.toBytes());
    }

    /**
     * Verifies the signatures per C2SP signed-note: signatures from unknown (name, id) pairs are
     * ignored; a signature from a known key that fails rejects the whole note; at least one known key
     * must verify.
     *
     * @return the trusted keys whose signatures verified, in note order, without duplicates
     * @throws SignatureVerificationException if a known key's signature is bad or none verified
     */
    public List<NoteVerifier> verify(Collection<NoteVerifier> trusted) throws SignatureVerificationException {
        byte[] text = note.text().getBytes(StandardCharsets.UTF_8);
        Set<NoteVerifier> ok = new LinkedHashSet<>();
        for (NoteSignature s : note.signatures()) {
            for (NoteVerifier v : trusted) {
                if (v.keyName().equals(s.keyName()) && v.keyId() == s.keyId()) {
                    if (!v.verify(text, s.signature())) {
                        throw new SignatureVerificationException(
                                "checkpoint size " + checkpoint.size() + ": signature by " + s.keyName() + " ("
                                        + String.format("%08x", s.keyId()) + ") is invalid");
                    }
                    ok.add(v);
                }
            }
        }
        if (ok.isEmpty()) {
            throw new SignatureVerificationException(
                    "checkpoint size " + checkpoint.size() + " carries no signature from a trusted key");
        }
        return new ArrayList<>(ok);
    }

    /**
     * Verifies as {@link #verify} and additionally requires signatures from at least {@code quorum}
     * distinct trusted keys.
     */
    public List<NoteVerifier> verifyQuorum(Collection<NoteVerifier> trusted, int quorum)
            throws SignatureVerificationException {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be >= 1");
        }
        List<NoteVerifier> ok = verify(trusted);
        if (ok.size() < quorum) {
            throw new SignatureVerificationException("checkpoint size " + checkpoint.size() + " has " + ok.size()
                    + " valid signatures from trusted keys, quorum is " + quorum);
        }
        return ok;
    }
}
