package org.medshare.abe;

import java.util.Locale;

/**
 * Symmetric suites: the international one and the Chinese national (GM) one. The ABE part
 * (BLS12-381) is the same for both.
 * <ul>
 *   <li>{@link #NIST}: HKDF-SHA-256 (RFC 5869) and AES-256-GCM (NIST SP 800-38D);</li>
 *   <li>{@link #GM}: HKDF over HMAC-SM3 (GB/T 32905) and SM4-GCM (GB/T 32907, 128-bit key).</li>
 * </ul>
 */
public enum Suite {
    NIST(1, "nist"),
    GM(2, "gm");

    private final int id;
    private final String label;

    Suite(int id, String label) {
        this.id = id;
        this.label = label;
    }

    /** Identifier byte in serialised envelopes and parameters. */
    public int id() {
        return id;
    }

    /** Lower-case name used on the command line. */
    public String label() {
        return label;
    }

    /** @throws IllegalArgumentException for an unknown id */
    public static Suite fromId(int id) {
        for (Suite s : values()) {
            if (s.id == id) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown suite id " + id);
    }

    /** Parses {@code nist} or {@code gm} (any case). */
    public static Suite fromLabel(String label) {
        for (Suite s : values()) {
            if (s.label.equals(label.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown suite '" + label + "' (expected nist or gm)");
    }
}
