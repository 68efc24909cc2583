package org.medshare.enclave.rows;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.ErrorHandlerAdapter;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.json.BaseJsonLikeValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Reads a FHIR R4 Bundle from JSON or XML with HAPI's structural parser, as a hospital's systems export it. Any
 * Bundle type is accepted (document, collection, transaction, batch, message, searchset, responses). What the
 * parser had to drop or could not interpret (unknown elements, values of the wrong JSON type, invalid codes, as
 * DSTU2-era exports carry) does not refuse the file but is returned as {@link ReadBundle#warnings()}.
 *
 * <p>Refused with {@link BundleFormatException} and a readable one-line reason: an empty file, a file that is
 * neither a JSON object nor an XML document, malformed JSON or XML, a FHIR resource other than a Bundle.
 * Thread-safe: a new parser per call over one shared {@link FhirContext}.
 */
public final class BundleReader {
    /** At most this many warnings are kept per file; {@link ReadBundle#warningCount()} counts all. */
    public static final int MAX_WARNINGS = 20;

    private static final Pattern HAPI_CODE = Pattern.compile("HAPI-\\d+:\\s*");

    /** The format a bundle file was written in. */
    public enum Format {
        JSON,
        XML
    }

    /**
     * A parsed Bundle.
     *
     * @param warnings     the first {@link #MAX_WARNINGS} structural warnings, one line each
     * @param warningCount how many warnings there were in all
     */
    public record ReadBundle(Bundle bundle, Format format, List<String> warnings, int warningCount) {
        public ReadBundle {
            warnings = List.copyOf(warnings);
        }
    }

    private final FhirContext fhir;

    /** Uses the given context (must be R4). */
    public BundleReader(FhirContext fhir) {
        if (fhir.getVersion().getVersion() != FhirVersionEnum.R4) {
            throw new IllegalArgumentException("FhirContext must be R4");
        }
        this.fhir = fhir;
    }

    private static final class Holder {
        static final BundleReader INSTANCE = new BundleReader(RowExtractor.sharedContext());
    }

    /** A process-wide reader over the same context as {@link RowExtractor#shared()}. */
    public static BundleReader shared() {
        return Holder.INSTANCE;
    }

    /** The format {@code content} is written in (by its first non-blank character), or null if neither. */
    public static Format formatOf(byte[] content) {
        int i = content.length >= 3
                        && (content[0] & 0xFF) == 0xEF
                        && (content[1] & 0xFF) == 0xBB
                        && (content[2] & 0xFF) == 0xBF
                ? 3
                : 0;
        while (i < content.length && Character.isWhitespace(content[i])) {
            i++;
        }
        if (i == content.length) {
            return null;
        }
        return content[i] == '{' ? Format.JSON : content[i] == '<' ? Format.XML : null;
    }

    /** Parses {@code content} (UTF-8 JSON or XML) as an R4 Bundle. */
    public ReadBundle read(byte[] content) throws BundleFormatException {
        String text = new String(content, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        if (text.isBlank()) {
            throw new BundleFormatException("the file is empty");
        }
        Format format = formatOf(content);
        if (format == null) {
            throw new BundleFormatException(describeNonFhir(content));
        }
        Warnings warnings = new Warnings();
        IParser parser =
                (format == Format.JSON ? fhir.newJsonParser() : fhir.newXmlParser()).setParserErrorHandler(warnings);
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException | IllegalArgumentException | ClassCastException e) {
            throw new BundleFormatException("not a FHIR R4 " + format + " resource: " + readable(e.getMessage()));
        }
        if (!(resource instanceof Bundle bundle)) {
            throw new BundleFormatException("a FHIR " + resource.fhirType()
                    + " resource, not a Bundle: put it in a Bundle (e.g. of type collection) to upload it");
        }
        return new ReadBundle(bundle, format, warnings.kept, warnings.count);
    }

    private static String describeNonFhir(byte[] content) {
        for (byte b : content) {
            if (!Character.isWhitespace(b)) {
                if (b == '[') {
                    return "a JSON array, not a FHIR Bundle (a Bundle is one JSON object with \"resourceType\": \"Bundle\")";
                }
                break;
            }
        }
        return "neither JSON nor XML: a FHIR Bundle is a JSON object or an XML document";
    }

    /** A parser message without HAPI's error codes, on one line, at most 200 characters. */
    static String readable(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable";
        }
        String s = HAPI_CODE
                .matcher(message)
                .replaceAll("")
                .replaceAll("[\\r\\n\\t]+", " ")
                .strip();
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }

    private static final class Warnings extends ErrorHandlerAdapter {
        final List<String> kept = new ArrayList<>();
        int count;

        private synchronized void add(IParseLocation where, String what) {
            count++;
            if (kept.size() < MAX_WARNINGS) {
                String at = where == null || where.getParentElementName() == null
                        ? ""
                        : " in " + where.getParentElementName();
                kept.add(what + at);
            }
        }

        @Override
        public void unknownElement(IParseLocation where, String name) {
            add(where, "unknown element '" + name + "' ignored");
        }

        @Override
        public void unknownAttribute(IParseLocation where, String name) {
            add(where, "unknown attribute '" + name + "' ignored");
        }

        @Override
        public void invalidValue(IParseLocation where, String value, String error) {
            add(where, "invalid value '" + value + "' (" + readable(error) + ")");
        }

        @Override
        public void incorrectJsonType(
                IParseLocation where,
                String name,
                BaseJsonLikeValue.ValueType expected,
                BaseJsonLikeValue.ScalarType expectedScalar,
                BaseJsonLikeValue.ValueType found,
                BaseJsonLikeValue.ScalarType foundScalar) {
            add(
                    where,
                    "element '" + name + "' has JSON type " + (foundScalar != null ? foundScalar : found)
                            + " where R4 has " + (expectedScalar != null ? expectedScalar : expected));
        }

        @Override
        public void unexpectedRepeatingElement(IParseLocation where, String name) {
            add(where, "element '" + name + "' repeats where R4 allows one");
        }
    }
}
