package org.medshare.ledger.checkpoint;

import java.security.GeneralSecurityException;

/**
 * Signs note text (C2SP signed-note) with one private key. Injected into the log; the private key
 * never leaves the implementation except through {@link NoteKeys#encodeSigner} with an explicit
 * {@link SecretKeyAccess} token.
 *
 * <p>Security guarantees: signatures verify with {@link #verifier()} and with nothing else; the
 * signed message is the exact note text including its final newline.
 */
public interface CheckpointSigner {
    /** The key name written in signature lines (no spaces, no '+'). */
    String keyName();

    /** The 32-bit key id (C2SP signed-note: SHA-256(name || 0x0A || type || public key)[:4]). */
    int keyId();

    /** Signs the note text. */
    NoteSignature sign(byte[] noteText) throws GeneralSecurityException;

    /** The matching public verifier. */
    NoteVerifier verifier();
}
