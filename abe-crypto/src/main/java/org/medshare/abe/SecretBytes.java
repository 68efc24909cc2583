package org.medshare.abe;

import java.security.MessageDigest;
import java.util.Objects;

/**
 * Immutable secret bytes (e.g. a KEM data key). The contents are only available through
 * {@link #toByteArray(SecretKeyAccess)}; {@link #toString()} never shows them; comparison is
 * constant-time.
 */
public final class SecretBytes {
    private final byte[] bytes;

    private SecretBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    public static SecretBytes copyFrom(byte[] value, SecretKeyAccess access) {
        Objects.requireNonNull(access, "access");
        return new SecretBytes(value.clone());
    }

    public byte[] toByteArray(SecretKeyAccess access) {
        Objects.requireNonNull(access, "access");
        return bytes.clone();
    }

    public int size() {
        return bytes.length;
    }

    /** Constant-time equality of contents. */
    public boolean equalsSecretBytes(SecretBytes other) {
        return MessageDigest.isEqual(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return "SecretBytes[" + bytes.length + " bytes]";
    }
}
