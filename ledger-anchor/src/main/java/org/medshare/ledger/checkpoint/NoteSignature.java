package org.medshare.ledger.checkpoint;

import java.util.Arrays;
import java.util.Base64;

/** One signature line of a signed note: key name, 32-bit key id, signature bytes (C2SP signed-note). */
public record NoteSignature(String keyName, int keyId, byte[] signature) {
    public NoteSignature {
        SignedNote.checkKeyName(keyName);
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The line without its newline: {@code — <name> base64(keyid || sig)}. */
    public String formatLine() {
        byte[] blob = new byte[4 + signature.length];
        blob[0] = (byte) (keyId >>> 24);
        blob[1] = (byte) (keyId >>> 16);
        blob[2] = (byte) (keyId >>> 8);
        blob[3] = (byte) keyId;
        System.arraycopy(signature, 0, blob, 4, signature.length);
        return "\u2014 " + keyName + " " + Base64.getEncoder().encodeToString(blob);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NoteSignature s
                && s.keyName.equals(keyName)
                && s.keyId == keyId
                && Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return keyName.hashCode() * 31 + keyId;
    }

    @Override
    public String toString() {
        return formatLine();
    }
}
