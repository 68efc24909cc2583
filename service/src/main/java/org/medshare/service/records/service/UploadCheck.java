package org.medshare.service.records.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeHeader;
import org.medshare.abe.MalformedCiphertextException;
import org.medshare.abe.Policy;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;
import org.medshare.service.records.service.RecordService.UploadParts;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Every check of an upload, done before anything is stored: the metadata's form, the parts' sizes, the policy
 * rules, the envelope and rows containers (format, policy and suite agree with the metadata, every row chunk is
 * bound to this record), the pseudonymous patient references, and the hospital's signature over the upload
 * statement. It reads only what a hospital states and the containers' public headers, never record content.
 */
@ApplicationScoped
public class UploadCheck {

    /** Name of the upload tag that carries the record's pseudonymous patient reference(s). */
    public static final String PATIENT_TAG = "patient";
    /** Name of the upload tag that carries the keyed hash of the record's document identifier. */
    public static final String DOCUMENT_TAG = "document";
    /** Name of the upload tag that names the record this upload replaces (a new version, e.g. re-encrypted). */
    public static final String REPLACES_TAG = "replaces";
    /** Name of the upload tag that carries the record's coarse resource summary. */
    public static final String RESOURCES_TAG = "resources";

    private static final Pattern PATIENT_REF = Pattern.compile("[0-9a-f]{16,64}");
    private static final Pattern DOCUMENT_REF = Pattern.compile("[0-9a-f]{16,64}");
    private static final Pattern RECORD_ID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final String RESOURCE_ENTRY = "[A-Z][A-Za-z]{0,63}(:(1|2-9|10-99|100\\+))?";
    private static final Pattern RESOURCE_SUMMARY =
            Pattern.compile(RESOURCE_ENTRY + "(," + RESOURCE_ENTRY + "){0,63}(,\\+)?");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * An upload that passed every check.
     *
     * @param metadata      the hospital's statement about the record
     * @param envelope      the envelope's bytes
     * @param rows          the encrypted analytics rows' bytes
     * @param statement     the signed upload statement; its record id names the record
     * @param statementHash hex SHA-256 of the statement's canonical bytes (what an idempotent retry must repeat)
     * @param suite         the label of the symmetric suite the envelope and rows share
     * @param patients      the distinct pseudonymous patient references of the {@value #PATIENT_TAG} tag
     * @param analyticsRows the rows the rows container states (0: stored and shared, never used in statistics)
     * @param documentRef   the {@value #DOCUMENT_TAG} tag, or null
     * @param replaces      the {@value #REPLACES_TAG} tag (a record id), or null
     */
    public record CheckedUpload(
            UploadMetadata metadata,
            byte[] envelope,
            byte[] rows,
            UploadStatement statement,
            String statementHash,
            String suite,
            List<String> patients,
            long analyticsRows,
            String documentRef,
            String replaces) {}

    private final SigningKeyService signingKeys;
    private final MedshareConfig config;
    private final AttributeEpochs epochs;

    @Inject
    UploadCheck(SigningKeyService signingKeys, MedshareConfig config, AttributeEpochs epochs) {
        this.signingKeys = signingKeys;
        this.config = config;
        this.epochs = epochs;
    }

    /**
     * Checks one upload of {@code caller} (a hospital).
     *
     * @throws RequestRefusedException naming the first check the upload fails; nothing has been written
     */
    public CheckedUpload check(Caller caller, UploadParts parts) {
        UploadMetadata metadata = parseMetadata(parts.metadataJson());
        byte[] envelope =
                readPart("envelope", parts.envelope(), config.records().maxEnvelopeBytes());
        byte[] rows = readPart("rows", parts.rows(), config.records().maxRowsBytes());
        UploadStatement statement = statement(caller, metadata, envelope, rows);
        String recordId = statement.recordId();
        List<String> patients = patientRefs(metadata.tags());
        String documentRef = documentRef(metadata.tags());
        String replaces = replaces(metadata.tags());
        checkResourceSummary(metadata.tags());

        Policy policy = new PolicyRules(epochs.current()).check(metadata.policy(), caller.organisation());
        EnvelopeHeader envelopeHeader = header("envelope", envelope);
        EncryptedRows sealedRows = rowsContainer(rows, recordId);
        if (!envelopeHeader.policy().equals(policy) || !sealedRows.policy().equals(policy)) {
            throw RequestRefusedException.invalid(
                    "policy-mismatch",
                    "Policy mismatch",
                    "The envelope and the rows must be encrypted under the policy stated in the metadata.");
        }
        if (envelopeHeader.suite() != sealedRows.suite()) {
            throw RequestRefusedException.invalid(
                    "suite-mismatch", "Suite mismatch", "The envelope and the rows must use the same suite.");
        }
        PublicKey key = signingKeys.activeKey(caller.organisation(), metadata.signingKeyId());
        if (!statement.verify(key, decodeSignature(metadata.signature()))) {
            throw RequestRefusedException.invalid(
                    "bad-signature",
                    "Signature does not verify",
                    "The signature does not match the upload statement for these bytes and this metadata.");
        }
        String statementHash = HexFormat.of().formatHex(UploadStatement.sha256(statement.canonicalBytes()));
        return new CheckedUpload(
                metadata,
                envelope,
                rows,
                statement,
                statementHash,
                envelopeHeader.suite().label(),
                patients,
                sealedRows.rowCount(),
                documentRef,
                replaces);
    }

    /**
     * The {@value #DOCUMENT_TAG} tag: a keyed hash of the document identifier (16-64 lower-case hex digits), so that
     * an identifier in clear is refused by form; null when absent.
     */
    static String documentRef(Map<String, String> tags) {
        String value = tags.get(DOCUMENT_TAG);
        if (value != null && !DOCUMENT_REF.matcher(value).matches()) {
            throw RequestRefusedException.invalid(
                    "invalid-document-reference",
                    "Invalid document reference",
                    "The tag '" + DOCUMENT_TAG
                            + "' holds a keyed hash of the document identifier: 16-64 lower-case hex "
                            + "digits, never the identifier itself.");
        }
        return value;
    }

    /** The {@value #REPLACES_TAG} tag: a record id (lower-case UUID); null when absent. */
    static String replaces(Map<String, String> tags) {
        String value = tags.get(REPLACES_TAG);
        if (value != null && !RECORD_ID.matcher(value).matches()) {
            throw RequestRefusedException.invalid(
                    "invalid-replaces",
                    "Invalid replaced record",
                    "The tag '" + REPLACES_TAG + "' names the id of the record this upload replaces (a lower-case "
                            + "UUID, as uploads answer it).");
        }
        return value;
    }

    /**
     * The {@value #RESOURCES_TAG} tag, if present: comma-separated FHIR resource type names, each optionally with a
     * coarse count ({@code :1}, {@code :2-9}, {@code :10-99}, {@code :100+}), at most 64, a final {@code +} when
     * there were more; never exact counts or anything else.
     */
    static void checkResourceSummary(Map<String, String> tags) {
        String value = tags.get(RESOURCES_TAG);
        if (value != null && !RESOURCE_SUMMARY.matcher(value).matches()) {
            throw RequestRefusedException.invalid(
                    "invalid-resource-summary",
                    "Invalid resource summary",
                    "The tag '" + RESOURCES_TAG + "' lists resource types with coarse counts, e.g. "
                            + "'Condition:2-9,Encounter:1,Patient:1' (counts 1, 2-9, 10-99 or 100+).");
        }
    }

    /**
     * The pseudonymous patient references of the {@value #PATIENT_TAG} tag: comma-separated lower-case hex keyed
     * hashes (16 to 64 digits, at most 16), so that a name or a medical record number is refused by form.
     */
    static List<String> patientRefs(Map<String, String> tags) {
        String value = tags.get(PATIENT_TAG);
        if (value == null) {
            return List.of();
        }
        List<String> refs = Arrays.stream(value.split(",", -1))
                .map(String::strip)
                .distinct()
                .toList();
        if (refs.size() > 16
                || refs.stream().anyMatch(r -> !PATIENT_REF.matcher(r).matches())) {
            throw RequestRefusedException.invalid(
                    "invalid-patient-reference",
                    "Invalid patient reference",
                    "The tag '" + PATIENT_TAG + "' holds 1 to 16 comma-separated pseudonymous references of 16-64 "
                            + "lower-case hex digits (a keyed hash, never a name or record number).");
        }
        return refs;
    }

    private static UploadMetadata parseMetadata(String json) {
        if (json == null || json.isBlank()) {
            throw RequestRefusedException.invalid("missing-part", "Missing part", "The part 'metadata' is required.");
        }
        try {
            UploadMetadata metadata = JSON.readValue(json, UploadMetadata.class);
            if (metadata == null
                    || metadata.idempotencyKey() == null
                    || metadata.policy() == null
                    || metadata.signingKeyId() == null
                    || metadata.signature() == null) {
                throw RequestRefusedException.invalid(
                        "invalid-metadata",
                        "Invalid metadata",
                        "idempotencyKey, policy, signingKeyId and signature are required.");
            }
            return metadata;
        } catch (UnrecognizedPropertyException e) {
            throw RequestRefusedException.invalid(
                    "invalid-metadata", "Invalid metadata", "Unknown field '" + e.getPropertyName() + "' in metadata.");
        } catch (MismatchedInputException e) {
            throw RequestRefusedException.invalid(
                    "invalid-metadata",
                    "Invalid metadata",
                    "The metadata does not have the expected fields and types.");
        } catch (JsonProcessingException e) {
            throw RequestRefusedException.invalid(
                    "malformed-json", "Malformed JSON", "The metadata part is not valid JSON.");
        }
    }

    private static byte[] readPart(String name, Path file, long limit) {
        if (file == null) {
            throw RequestRefusedException.invalid(
                    "missing-part", "Missing part", "The part '" + name + "' is required.");
        }
        try {
            long size = Files.size(file);
            if (size > limit) {
                throw RequestRefusedException.tooLarge(
                        "part-too-large",
                        "Part too large",
                        "The part '" + name + "' has " + size + " bytes; at most " + limit + " are accepted.");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the uploaded part " + name, e);
        }
    }

    private static EnvelopeHeader header(String part, byte[] bytes) {
        try {
            return Envelope.inspect(new ByteArrayInputStream(bytes));
        } catch (MalformedCiphertextException e) {
            throw RequestRefusedException.invalid(
                    "malformed-envelope",
                    "Malformed envelope",
                    "The " + part + " part is not a MedShare envelope this service accepts: " + e.getMessage() + ".");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Checks the rows container (its policy and suite are read from its key part) and that every chunk is bound to this record. */
    private static EncryptedRows rowsContainer(byte[] rows, String recordId) {
        EncryptedRows parsed;
        try {
            parsed = EncryptedRows.parse(rows);
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.invalid(
                    "malformed-rows",
                    "Malformed analytics rows",
                    "The rows part is not an encrypted rows container this service accepts: " + e.getMessage() + ".");
        }
        if (parsed.chunks().stream().anyMatch(c -> !c.recordId().equals(recordId))) {
            throw RequestRefusedException.invalid(
                    "rows-record-mismatch",
                    "Rows bound to another record",
                    "Every row chunk must be bound to record " + recordId + " (derived from your idempotency key).");
        }
        return parsed;
    }

    private static UploadStatement statement(Caller caller, UploadMetadata metadata, byte[] envelope, byte[] rows) {
        try {
            return new UploadStatement(
                    caller.organisation(),
                    metadata.idempotencyKey(),
                    metadata.policy(),
                    UploadStatement.sha256(envelope),
                    UploadStatement.sha256(rows),
                    new TreeMap<>(metadata.tags()));
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.invalid("invalid-metadata", "Invalid metadata", e.getMessage());
        }
    }

    private static byte[] decodeSignature(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.invalid(
                    "bad-signature", "Signature does not verify", "The signature is not valid base64.");
        }
    }
}
