package org.medshare.ledger.checkpoint;

/**
 * Verifies signed-note signatures made by one public key. Pure; thread-safe.
 */
public interface NoteVerifier {
    String keyName();

    int keyId();

    /** True iff {@code signature} is this key's valid signature over exactly {@code noteText}. */
    boolean verify(byte[] noteText, byte[] signature);

    /** The public verifier key as one line {@code <name>+<keyid hex>+<base64(type || public key)>}. */
    String encode();

    /** The algorithm name, e.g. {@code "Ed25519"} or {@code "SM2"}. */
    String algorithm();
}
