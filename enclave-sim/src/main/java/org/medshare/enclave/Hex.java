package org.medshare.enclave;

import java.util.HexFormat;

/** Lower-case hexadecimal for measurements and identifiers (never for secrets). */
public final class Hex {
    private Hex() {}

    public static String of(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** Parses lower- or upper-case hex; throws IllegalArgumentException on bad input. */
    public static byte[] parse(String s) {
        return HexFormat.of().parseHex(s);
    }
}
