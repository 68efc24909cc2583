package org.medshare.enclave.rows;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Compact, order-preserving 31-bit encoding of ICD-10 / ICD-10-CM codes for the code slots of an
 * {@link AnalyticsRow}.
 *
 * <p>A code is read as {@code L D C [. E1 [E2 [E3]]]}: a letter, a digit, a letter or digit
 * (the 3-character category, WHO ICD-10 and ICD-10-CM), then up to three subcategory characters
 * (letters or digits). ICD-10-CM codes with a 4th subcategory character (7-character codes such as
 * {@code S72.001A}) are truncated to six characters; this is the documented granularity of the
 * analytics schema (ROWS.md). The encoding is the mixed-radix number
 * {@code 1 + ((((L*10 + D)*36 + C)*37 + e1)*37 + e2)*37 + e3} where a letter/digit maps to 1..36
 * in the subcategory positions and 0 means "absent"; 0 is the empty slot.
 *
 * <p>Guarantee: the encoding is monotone in the code's characters, so the set of codes that start
 * with a given prefix is one contiguous interval {@link #prefixLow(String)}..{@link #prefixHigh(String)},
 * and a prefix filter costs two integer comparisons per slot.
 */
public final class Icd10 {
    /** The empty slot. */
    public static final int EMPTY = 0;

    private static final Pattern CODE = Pattern.compile("[A-Z][0-9][A-Z0-9](\\.?[A-Z0-9]{1,4})?");
    private static final Pattern PREFIX = Pattern.compile("[A-Z]([0-9]([A-Z0-9](\\.?[A-Z0-9]{0,3})?)?)?");

    private Icd10() {}

    /**
     * Encodes an ICD-10 code (case-insensitive, dot optional).
     *
     * @throws IllegalArgumentException if {@code code} is not of the form described above
     */
    public static int encode(String code) {
        String c = normalize(code);
        if (!CODE.matcher(c).matches()) {
            throw new IllegalArgumentException("not an ICD-10 code: " + code);
        }
        String s = c.replace(".", "");
        if (s.length() > 6) {
            s = s.substring(0, 6);
        }
        return pack(s, 0);
    }

    /** True if {@code code} would be accepted by {@link #encode(String)}. */
    public static boolean isCode(String code) {
        return code != null && CODE.matcher(normalize(code)).matches();
    }

    /** Decodes a non-empty slot value to its canonical text, e.g. {@code E11.9}. */
    public static String decode(int v) {
        if (v <= 0 || v > maxEncoded()) {
            throw new IllegalArgumentException("not an encoded ICD-10 code: " + v);
        }
        int x = v - 1;
        int e3 = x % 37;
        x /= 37;
        int e2 = x % 37;
        x /= 37;
        int e1 = x % 37;
        x /= 37;
        int c = x % 36;
        x /= 36;
        int d = x % 10;
        x /= 10;
        int l = x;
        StringBuilder sb = new StringBuilder(8);
        sb.append((char) ('A' + l)).append((char) ('0' + d)).append(alnum36(c));
        if (e1 != 0) {
            sb.append('.').append(alnum36(e1 - 1));
            if (e2 != 0) {
                sb.append(alnum36(e2 - 1));
                if (e3 != 0) {
                    sb.append(alnum36(e3 - 1));
                }
            }
        }
        return sb.toString();
    }

    /** Lowest encoded value of any code starting with {@code prefix} (1 to 6 characters, dot optional). */
    public static int prefixLow(String prefix) {
        return pack(checkPrefix(prefix), 0);
    }

    /** Highest encoded value of any code starting with {@code prefix}. */
    public static int prefixHigh(String prefix) {
        return pack(checkPrefix(prefix), 1);
    }

    /** True if {@code prefix} is a valid prefix for {@link #prefixLow}. */
    public static boolean isPrefix(String prefix) {
        return prefix != null && PREFIX.matcher(normalize(prefix)).matches();
    }

    private static String checkPrefix(String prefix) {
        String p = prefix == null ? "" : normalize(prefix);
        if (!PREFIX.matcher(p).matches()) {
            throw new IllegalArgumentException("not an ICD-10 prefix (1-6 characters, e.g. E11 or E11.9): " + prefix);
        }
        return p.replace(".", "");
    }

    private static String normalize(String s) {
        return s.trim().toUpperCase(Locale.ROOT);
    }

    /** fill=0: missing positions take their minimum; fill=1: their maximum. */
    private static int pack(String s, int fill) {
        int l = s.charAt(0) - 'A';
        int d = s.length() > 1 ? s.charAt(1) - '0' : (fill == 0 ? 0 : 9);
        int c = s.length() > 2 ? alnumIndex(s.charAt(2)) : (fill == 0 ? 0 : 35);
        int e1 = sub(s, 3, fill);
        int e2 = sub(s, 4, fill);
        int e3 = sub(s, 5, fill);
        return 1 + ((((l * 10 + d) * 36 + c) * 37 + e1) * 37 + e2) * 37 + e3;
    }

    private static int sub(String s, int i, int fill) {
        if (s.length() > i) {
            return 1 + alnumIndex(s.charAt(i));
        }
        return fill == 0 ? 0 : 36;
    }

    private static int alnumIndex(char ch) {
        return ch <= '9' ? ch - '0' : 10 + ch - 'A';
    }

    private static char alnum36(int i) {
        return i < 10 ? (char) ('0' + i) : (char) ('A' + i - 10);
    }

    private static int maxEncoded() {
        return 1 + ((((25 * 10 + 9) * 36 + 35) * 37 + 36) * 37 + 36) * 37 + 36;
    }
}
