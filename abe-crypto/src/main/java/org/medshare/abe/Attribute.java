package org.medshare.abe;

import java.util.Objects;
import java.util.Optional;

/**
 * An attribute of the form {@code key:value} or {@code key:value@epoch}; the epoch lets an authority
 * revoke by issuing keys and encrypting under a new epoch.
 *
 * <p>Allowed characters are letters, digits and {@code _ . - @ :}; the key is everything before the
 * first colon and must be non-empty, as must the value. An optional epoch is the part after the last
 * {@code @}, e.g. {@code dept:cardiology@2026Q4}. The epoch is part of the attribute's identity: a key
 * for {@code dept:cardiology@2026Q3} does not satisfy a policy naming {@code dept:cardiology@2026Q4}.
 * Rotation: the authority issues keys for the new epoch and stops issuing the old one, hospitals name
 * the current epoch in new policies; old ciphertexts stay readable only by old-epoch keys.
 */
public final class Attribute {
    private static final int MAX_LENGTH = 256;
    private final String text;

    private Attribute(String text) {
        this.text = text;
    }

    /**
     * Parses and validates an attribute.
     *
     * @throws IllegalArgumentException if {@code text} is not a well-formed attribute
     */
    public static Attribute of(String text) {
        String problem = problem(text);
        if (problem != null) {
            throw new IllegalArgumentException("invalid attribute '" + printable(text) + "': " + problem);
        }
        return new Attribute(text);
    }

    /** Returns {@code null} if {@code text} is a valid attribute, otherwise a short reason. */
    static String problem(String text) {
        if (text == null || text.isEmpty()) {
            return "empty";
        }
        if (text.length() > MAX_LENGTH) {
            return "longer than " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < text.length(); i++) {
            if (!isAttributeChar(text.charAt(i))) {
                return "character '" + text.charAt(i) + "' not allowed";
            }
        }
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return "must be key:value";
        }
        if (colon == text.length() - 1) {
            return "empty value";
        }
        int at = text.lastIndexOf('@');
        if (at >= 0 && (at == text.length() - 1 || at <= colon + 1)) {
            return "malformed epoch";
        }
        return null;
    }

    static boolean isAttributeChar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '_'
                || c == '.'
                || c == '-'
                || c == '@'
                || c == ':';
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 64 ? s.substring(0, 64) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** The part before the first colon. */
    public String key() {
        return text.substring(0, text.indexOf(':'));
    }

    /** The epoch after the last {@code @}, if any. */
    public Optional<String> epoch() {
        int at = text.lastIndexOf('@');
        return at < 0 ? Optional.empty() : Optional.of(text.substring(at + 1));
    }

    /** The full attribute text, as hashed into the group. */
    public String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text);
    }

    @Override
    public String toString() {
        return text;
    }
}
