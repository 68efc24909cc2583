package org.medshare.ledger.event;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The canonical form of a hospital's data-use rules in a {@link EventType#DATA_USE_RULES_CHANGED} event's
 * {@link Field#RULES}: a JSON array of strings, without whitespace, in ascending order, each rule once, each of the
 * form {@code purpose/templateId}, {@code purpose/*} or {@code purpose/sha256:HASH} (purpose and template id: 1 to 64
 * of {@code A-Z a-z 0-9 . _ -}; HASH: a template's content hash, 64 lower-case hex digits). An empty rule set is {@code []}. One set of rules has exactly one encoding, so the
 * offline verifier refuses any other.
 */
public final class DataUseRules {

    private static final Pattern RULE =
            Pattern.compile("[A-Za-z0-9._-]{1,64}/([A-Za-z0-9._-]{1,64}|\\*|sha256:[0-9a-f]{64})");

    private DataUseRules() {}

    /**
     * The canonical encoding of {@code rules}.
     *
     * @throws IllegalArgumentException if a rule is not of the documented form
     */
    public static byte[] encode(Collection<String> rules) {
        StringBuilder out = new StringBuilder("[");
        for (String rule : new TreeSet<>(rules)) {
            if (!RULE.matcher(rule).matches()) {
                throw new IllegalArgumentException("not a data-use rule: " + rule);
            }
            out.append(out.length() > 1 ? "," : "").append('"').append(rule).append('"');
        }
        return out.append(']').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The rules {@code encoded} holds, in ascending order.
     *
     * @throws MalformedEventException if {@code encoded} is not the canonical encoding of a set of rules
     */
    public static List<String> decode(byte[] encoded) throws MalformedEventException {
        String text = new String(encoded, StandardCharsets.US_ASCII);
        if (!text.startsWith("[") || !text.endsWith("]")) {
            throw new MalformedEventException("data-use rules are not a JSON array");
        }
        List<String> rules = new ArrayList<>();
        String inner = text.substring(1, text.length() - 1);
        if (!inner.isEmpty()) {
            for (String quoted : inner.split(",", -1)) {
                if (quoted.length() < 2 || !quoted.startsWith("\"") || !quoted.endsWith("\"")) {
                    throw new MalformedEventException("data-use rules hold a value that is not a string");
                }
                String rule = quoted.substring(1, quoted.length() - 1);
                if (!RULE.matcher(rule).matches()) {
                    throw new MalformedEventException("data-use rules hold a malformed rule");
                }
                rules.add(rule);
            }
        }
        try {
            if (!Arrays.equals(encode(rules), encoded)) {
                throw new MalformedEventException("data-use rules are not in canonical order without repeats");
            }
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("data-use rules hold a malformed rule");
        }
        return List.copyOf(rules);
    }
}
