package org.medshare.ledger.contract;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable value of a fixed number of bytes on the incentive contract's ABI. Two values are equal iff they are
 * of the same type and hold the same bytes; the text form is {@code 0x} followed by lower-case hex digits.
 */
public abstract sealed class FixedBytes permits EvmAddress, QueryId {
    private final byte[] bytes;

    /** @param bytes owned by the new value (not copied) */
    FixedBytes(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * A copy of {@code bytes}, which must have {@code length} bytes.
     *
     * @param what the value's name for the message, e.g. {@code "a query id"}
     * @throws IllegalArgumentException on any other length
     */
    static byte[] copyOfLength(byte[] bytes, int length, String what) {
        if (bytes == null || bytes.length != length) {
            throw new IllegalArgumentException(
                    what + " has " + length + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return bytes.clone();
    }

    /** The bytes, not copied: for comparisons within the package only. */
    final byte[] bytes() {
        return bytes;
    }

    /** @return a copy of the bytes */
    public final byte[] toBytes() {
        return bytes.clone();
    }

    @Override
    public final boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Arrays.equals(bytes, ((FixedBytes) o).bytes);
    }

    @Override
    public final int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** @return {@code 0x} followed by two lower-case hex digits per byte */
    @Override
    public final String toString() {
        return "0x" + HexFormat.of().formatHex(bytes);
    }
}
