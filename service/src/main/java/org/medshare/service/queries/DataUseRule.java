package org.medshare.service.queries;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One data-use rule of a hospital: its records may be used by queries of {@code purpose} run with template
 * {@code templateId}, or with any template when {@code templateId} is {@value #ANY_TEMPLATE}. Written
 * {@code purpose/templateId}, the form the API takes and the enclave checks.
 *
 * @param purpose    1 to 64 of {@code [A-Za-z0-9._-]}
 * @param templateId 1 to 64 of {@code [A-Za-z0-9._-]}, or {@value #ANY_TEMPLATE}
 */
public record DataUseRule(String purpose, String templateId) {

    /** The template id that allows every template of the purpose. */
    public static final String ANY_TEMPLATE = "*";

    private static final Pattern FORM = Pattern.compile("([A-Za-z0-9._-]{1,64})/([A-Za-z0-9._-]{1,64}|\\*)");

    public DataUseRule {
        if (purpose == null
                || templateId == null
                || !FORM.matcher(purpose + "/" + templateId).matches()) {
            throw new IllegalArgumentException("a data-use rule is purpose/templateId or purpose/*");
        }
    }

    /** The rule written {@code text}, or empty if {@code text} is null or not of the form {@code purpose/templateId}. */
    public static Optional<DataUseRule> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        return m.matches() ? Optional.of(new DataUseRule(m.group(1), m.group(2))) : Optional.empty();
    }

    /** {@code purpose/templateId}. */
    @Override
    public String toString() {
        return purpose + "/" + templateId;
    }
}
