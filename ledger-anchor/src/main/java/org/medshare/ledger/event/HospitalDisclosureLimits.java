package org.medshare.ledger.event;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A hospital's own disclosure limits as a {@link EventType#DISCLOSURE_LIMITS_CHANGED} event's {@link Field#LIMITS}
 * holds them: the least number of distinct patients behind a released value, the largest ε of one query (none: no
 * limit), the most rows one patient may contribute, whether every released value must carry noise, and the aggregate
 * kinds and disclosed fields it allows (empty: any). Immutable.
 *
 * <p>Canonical form: the JSON object, US-ASCII, without whitespace and with exactly these keys in this order,
 * {@code {"minGroupSize":k,"maxEpsilonMicros":e|null,"maxRowsPerPatient":r,"noiseRequired":true|false,
 * "allowedAggregates":[...],"allowedFields":[...]}}, numbers in decimal without leading zeros, each list of
 * names (1 to 32 of {@code A-Z a-z 0-9}) ascending without repeats. One set of limits has exactly one encoding, so
 * the offline verifier refuses any other.
 *
 * @param minGroupSize      k, 2..1000000
 * @param maxEpsilonMicros  the largest ε of one query in micro-ε (≥ 0), or empty for no limit
 * @param maxRowsPerPatient 1..1000
 * @param noiseRequired     whether a query without differential privacy is refused
 * @param allowedAggregates aggregate kinds a query may compute, ascending (empty: any)
 * @param allowedFields     fields a query may disclose, ascending (empty: any)
 */
public record HospitalDisclosureLimits(
        int minGroupSize,
        OptionalLong maxEpsilonMicros,
        int maxRowsPerPatient,
        boolean noiseRequired,
        List<String> allowedAggregates,
        List<String> allowedFields) {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern FORM = Pattern.compile("\\{\"minGroupSize\":([0-9]{1,7}),"
            + "\"maxEpsilonMicros\":(null|[0-9]{1,19}),\"maxRowsPerPatient\":([0-9]{1,4}),"
            + "\"noiseRequired\":(true|false),\"allowedAggregates\":\\[([^\\]]*)\\],"
            + "\"allowedFields\":\\[([^\\]]*)\\]\\}");

    /**
     * Sorts the lists and drops repeats.
     *
     * @throws IllegalArgumentException for a value outside its range or a malformed name
     */
    public HospitalDisclosureLimits {
        if (minGroupSize < 2 || minGroupSize > 1_000_000) {
            throw new IllegalArgumentException("minimum group size must be in 2..1000000");
        }
        if (maxEpsilonMicros.isPresent() && maxEpsilonMicros.getAsLong() < 0) {
            throw new IllegalArgumentException("maximum epsilon must not be negative");
        }
        if (maxRowsPerPatient < 1 || maxRowsPerPatient > 1000) {
            throw new IllegalArgumentException("maximum rows per patient must be in 1..1000");
        }
        allowedAggregates = names(allowedAggregates, "aggregate");
        allowedFields = names(allowedFields, "field");
    }

    private static List<String> names(Collection<String> names, String what) {
        for (String name : names) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("not an allowed " + what + " name: " + name);
            }
        }
        return List.copyOf(new TreeSet<>(names));
    }

    /** The canonical encoding. */
    public byte[] encode() {
        return ("{\"minGroupSize\":" + minGroupSize
                        + ",\"maxEpsilonMicros\":"
                        + (maxEpsilonMicros.isPresent() ? Long.toString(maxEpsilonMicros.getAsLong()) : "null")
                        + ",\"maxRowsPerPatient\":" + maxRowsPerPatient
                        + ",\"noiseRequired\":" + noiseRequired
                        + ",\"allowedAggregates\":" + list(allowedAggregates)
                        + ",\"allowedFields\":" + list(allowedFields) + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String list(List<String> names) {
        StringBuilder out = new StringBuilder("[");
        for (String name : names) {
            out.append(out.length() > 1 ? "," : "").append('"').append(name).append('"');
        }
        return out.append(']').toString();
    }

    /**
     * The limits {@code encoded} holds.
     *
     * @throws MalformedEventException if {@code encoded} is not the canonical encoding of limits
     */
    public static HospitalDisclosureLimits decode(byte[] encoded) throws MalformedEventException {
        Matcher m = FORM.matcher(new String(encoded, StandardCharsets.US_ASCII));
        if (!m.matches()) {
            throw new MalformedEventException("disclosure limits are not in their canonical form");
        }
        HospitalDisclosureLimits limits;
        try {
            limits = new HospitalDisclosureLimits(
                    Integer.parseInt(m.group(1)),
                    m.group(2).equals("null") ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(m.group(2))),
                    Integer.parseInt(m.group(3)),
                    Boolean.parseBoolean(m.group(4)),
                    unquoted(m.group(5)),
                    unquoted(m.group(6)));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException("disclosure limits hold a value outside its range");
        }
        if (!Arrays.equals(limits.encode(), encoded)) {
            throw new MalformedEventException("disclosure limits are not in their canonical form");
        }
        return limits;
    }

    private static List<String> unquoted(String inner) throws MalformedEventException {
        if (inner.isEmpty()) {
            return List.of();
        }
        String[] quoted = inner.split(",", -1);
        String[] names = new String[quoted.length];
        for (int i = 0; i < quoted.length; i++) {
            String q = quoted[i];
            if (q.length() < 2 || !q.startsWith("\"") || !q.endsWith("\"")) {
                throw new MalformedEventException("disclosure limits hold a list value that is not a string");
            }
            names[i] = q.substring(1, q.length() - 1);
        }
        return List.of(names);
    }
}
