package org.medshare.service.queries;

import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One data-use rule of a hospital: its records may be used by queries of {@code purpose} run with the template
 * {@code template} names. Written {@code purpose/template}, the form the API takes and the ledger records, where
 * {@code template} is one of
 *
 * <ul>
 *   <li>a template id: every version of that template, each once the regulator approved it;</li>
 *   <li>{@value #ANY_TEMPLATE}: every template of the purpose the regulator approved;</li>
 *   <li>{@value #CONTENT_PREFIX} and 64 lower-case hex digits: exactly the template whose content hash (SHA-256 of
 *       its canonical JSON, as {@code GET /api/v1/templates} shows it) this is. A template changed by one byte has
 *       another hash, so a hospital that approves by content approves each change again.</li>
 * </ul>
 *
 * @param purpose  1 to 64 of {@code [A-Za-z0-9._-]}
 * @param template a template id (1 to 64 of {@code [A-Za-z0-9._-]}), {@value #ANY_TEMPLATE} or a content hash
 */
public record DataUseRule(String purpose, String template) {

    /** The template that allows every template of the purpose. */
    public static final String ANY_TEMPLATE = "*";

    /** What a content-hash rule's template starts with. */
    public static final String CONTENT_PREFIX = "sha256:";

    private static final Pattern FORM =
            Pattern.compile("([A-Za-z0-9._-]{1,64})/([A-Za-z0-9._-]{1,64}|\\*|sha256:[0-9a-f]{64})");

    public DataUseRule {
        if (purpose == null
                || template == null
                || !FORM.matcher(purpose + "/" + template).matches()) {
            throw new IllegalArgumentException(
                    "a data-use rule is purpose/templateId, purpose/* or purpose/sha256:<content hash>");
        }
    }

    /** The rule written {@code text}, or empty if {@code text} is null or not of a documented form. */
    public static Optional<DataUseRule> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = FORM.matcher(text);
        return m.matches() ? Optional.of(new DataUseRule(m.group(1), m.group(2))) : Optional.empty();
    }

    /**
     * Whether any of {@code rules} (written forms) lets a query of {@code purpose} run the template with id {@code
     * templateId} and content hash {@code contentHash} (lower-case hex) over the hospital's records.
     */
    public static boolean anyAllows(Collection<String> rules, String purpose, String templateId, String contentHash) {
        String prefix = purpose + "/";
        return rules.contains(prefix + templateId)
                || rules.contains(prefix + ANY_TEMPLATE)
                || rules.contains(prefix + CONTENT_PREFIX + contentHash);
    }

    /** {@code purpose/template}. */
    @Override
    public String toString() {
        return purpose + "/" + template;
    }
}
