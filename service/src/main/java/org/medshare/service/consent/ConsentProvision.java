package org.medshare.service.consent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.service.records.PurposeOfUse;

/**
 * One provision of a patient's consent (a nested FHIR R4 {@code Consent.provision}): it permits or denies the release
 * of the patient's records to other organisations for the purposes of use it names, to the organisations it names
 * (the FHIR actor with role IRCP, information recipient), during its period. An empty list of purposes or
 * organisations means every purpose or every organisation; a null {@code start} or {@code end} leaves the period open
 * on that side ({@code start} included, {@code end} excluded).
 *
 * @param type          {@value #PERMIT} or {@value #DENY}
 * @param purposes      HL7 v3 PurposeOfUse codes ({@link PurposeOfUse}), ascending, no repeats
 * @param organisations recipient organisation ids, ascending, no repeats
 */
public record ConsentProvision(
        @Schema(enumeration = {"permit", "deny"}) String type,
        List<String> purposes,
        List<String> organisations,
        @Schema(nullable = true) Instant start,
        @Schema(nullable = true) Instant end) {

    public static final String PERMIT = "permit";
    public static final String DENY = "deny";
    /** How many provisions one consent may have. */
    public static final int MAX_PROVISIONS = 32;
    /** How many purposes, and how many organisations, one provision may name. */
    public static final int MAX_VALUES = 32;

    static final Pattern ORGANISATION = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    /** Null lists are empty; times are kept to the millisecond. */
    public ConsentProvision {
        purposes = purposes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(purposes));
        organisations =
                organisations == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(organisations));
        start = start == null ? null : start.truncatedTo(ChronoUnit.MILLIS);
        end = end == null ? null : end.truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * This provision with its lists sorted and without repeats, after checking it.
     *
     * @throws IllegalArgumentException saying which value breaks the rules above (at most 32 entries per list)
     */
    public ConsentProvision checked() {
        if (!PERMIT.equals(type) && !DENY.equals(type)) {
            throw new IllegalArgumentException("type is \"permit\" or \"deny\"");
        }
        for (String p : purposes) {
            if (p == null || PurposeOfUse.ofCode(p).isEmpty()) {
                throw new IllegalArgumentException(
                        "purpose '" + p + "' is not one of the PurposeOfUse codes " + PurposeOfUse.codes());
            }
        }
        for (String o : organisations) {
            if (o == null || !ORGANISATION.matcher(o).matches()) {
                throw new IllegalArgumentException("organisation '" + o + "' is not an organisation id "
                        + "(1 to 64 of lower-case letters, digits, '.', '_' and '-')");
            }
        }
        if (purposes.size() > MAX_VALUES || organisations.size() > MAX_VALUES) {
            throw new IllegalArgumentException(
                    "a provision names at most " + MAX_VALUES + " purposes and " + MAX_VALUES + " organisations");
        }
        if (start != null && end != null && !start.isBefore(end)) {
            throw new IllegalArgumentException("start must be before end");
        }
        return new ConsentProvision(
                type, List.copyOf(new TreeSet<>(purposes)), List.copyOf(new TreeSet<>(organisations)), start, end);
    }

    /** Whether this provision speaks about releasing to {@code organisation} for {@code purpose} at {@code at}. */
    public boolean applies(String organisation, PurposeOfUse purpose, Instant at) {
        return (purposes.isEmpty() || purposes.contains(purpose.name()))
                && (organisations.isEmpty() || organisations.contains(organisation))
                && (start == null || !at.isBefore(start))
                && (end == null || at.isBefore(end));
    }

    public boolean permits() {
        return PERMIT.equals(type);
    }

    /** The provisions as one line each, {@code type|purposes|organisations|startMillis|endMillis} (empty when open). */
    public static String encode(List<ConsentProvision> provisions) {
        StringBuilder out = new StringBuilder();
        for (ConsentProvision p : provisions) {
            out.append(p.type)
                    .append('|')
                    .append(String.join(",", p.purposes))
                    .append('|')
                    .append(String.join(",", p.organisations))
                    .append('|')
                    .append(p.start == null ? "" : Long.toString(p.start.toEpochMilli()))
                    .append('|')
                    .append(p.end == null ? "" : Long.toString(p.end.toEpochMilli()))
                    .append('\n');
        }
        return out.toString();
    }

    /** The provisions {@link #encode} wrote. */
    public static List<ConsentProvision> decode(String text) {
        List<ConsentProvision> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\|", -1);
            out.add(new ConsentProvision(
                    f[0],
                    f[1].isEmpty() ? List.of() : List.of(f[1].split(",")),
                    f[2].isEmpty() ? List.of() : List.of(f[2].split(",")),
                    f[3].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[3])),
                    f[4].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(f[4]))));
        }
        return out;
    }
}
