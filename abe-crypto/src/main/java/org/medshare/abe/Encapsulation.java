package org.medshare.abe;

/**
 * Result of {@link AbeScheme#encapsulate}: the ciphertext to store and the 32-byte data key it
 * encapsulates (to be fed into a KDF, never used twice).
 */
public record Encapsulation(Ciphertext ciphertext, SecretBytes key) {
    @Override
    public String toString() {
        return "Encapsulation[" + ciphertext + ", key=" + key + "]";
    }
}
