package org.medshare.client.upload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.RecordKem;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.http.Json;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.BundleFormatException;
import org.medshare.enclave.rows.BundleReader;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.PseudonymKey;
import org.medshare.enclave.rows.RowExtraction;
import org.medshare.enclave.rows.RowExtractionException;
import org.medshare.enclave.rows.RowExtractor;

/**
 * The hospital-side work of one upload, with no I/O: reads the Bundle (JSON or XML, any type), extracts its
 * analytics rows where it has them (none is fine: the record is then shared but not used in statistics), adds the
 * resource summary and document reference tags ({@link ResourceSummary}, {@link DocumentIdentity}),
 * makes one FAME encapsulation under the policy ({@link RecordKem}), encrypts the bundle with it (an
 * {@link Envelope}) and the rows ({@link EncryptedRows} v2, data key derived from the same KEM key, chunks
 * bound to the record id), and signs the {@link UploadStatement} over both digests. Thread-safe.
 */
public final class UploadPreparer {
    private final HospitalKeys keys;
    private final PublicParameters params;
    private final Suite suite;
    private final String policyText;
    private final Policy policy;
    private final SortedMap<String, String> tags;
    private final ResourceSummary.Level summary;
    private final SecureRandom random = new SecureRandom();
    private final AbeScheme scheme = new AbeScheme(random);

    /**
     * @param policyText the policy as the user wrote it (signed and sent as is)
     * @param policy     its parsed form
     * @throws IllegalArgumentException if a tag is not valid in an {@link UploadStatement}
     */
    public UploadPreparer(
            HospitalKeys keys,
            PublicParameters params,
            Suite suite,
            String policyText,
            Policy policy,
            SortedMap<String, String> tags) {
        this(keys, params, suite, policyText, policy, tags, ResourceSummary.Level.COUNTS);
    }

    /**
     * @param summary how much of the resource summary ({@link ResourceSummary}) the records disclose
     * @throws IllegalArgumentException if a tag is not valid in an {@link UploadStatement}
     */
    public UploadPreparer(
            HospitalKeys keys,
            PublicParameters params,
            Suite suite,
            String policyText,
            Policy policy,
            SortedMap<String, String> tags,
            ResourceSummary.Level summary) {
        this.keys = keys;
        this.params = params;
        this.suite = suite;
        this.policyText = policyText;
        this.policy = policy;
        this.tags = new TreeMap<>(tags);
        this.summary = summary;
        new UploadStatement(keys.organisation(), "check", policyText, new byte[32], new byte[32], this.tags);
    }

    /** The uploading hospital's organisation. */
    String organisation() {
        return keys.organisation();
    }

    /** The policy as the user wrote it. */
    String policyText() {
        return policyText;
    }

    /**
     * The idempotency key of a bundle under a policy: {@code b1-} and the hex SHA-256 of
     * {@code "medshare-upload-key-v1\n" || policy || "\n" || bundle bytes}. Matches the service's key syntax,
     * so the same file under the same policy is always the same record.
     */
    public static String idempotencyKey(String policy, byte[] bundle) {
        byte[] head = ("medshare-upload-key-v1\n" + policy + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bundle.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bundle, 0, all, head.length, bundle.length);
        return "b1-" + HexFormat.of().formatHex(UploadStatement.sha256(all));
    }

    /**
     * A prepared upload and what the hospital learned while preparing it.
     *
     * @param upload     the bytes to send
     * @param extraction the analytics rows and the rows skipped with their reasons
     * @param read       the parsed Bundle with the parser's warnings
     */
    public record Preparation(PreparedUpload upload, RowExtraction extraction, BundleReader.ReadBundle read) {}

    /**
     * Prepares the upload of {@code bundle} (FHIR R4 JSON or XML, any Bundle type; one without analytics rows is
     * prepared with an empty rows container).
     *
     * @throws BundleFormatException    if the bytes are not a FHIR R4 Bundle (the message says why, readably)
     * @throws GeneralSecurityException if signing fails
     */
    public PreparedUpload prepare(byte[] bundle) throws BundleFormatException, GeneralSecurityException {
        return prepareWithReport(bundle).upload();
    }

    /** {@link #prepare} with the rows' report and the parser's warnings. */
    public Preparation prepareWithReport(byte[] bundle) throws BundleFormatException, GeneralSecurityException {
        String key = idempotencyKey(policyText, bundle);
        String recordId = UploadStatement.recordId(keys.organisation(), key);
        BundleReader.ReadBundle read = BundleReader.shared().read(bundle);
        RowExtraction extraction;
        try {
            extraction =
                    RowExtractor.shared().extractWithSkips(read.bundle(), keys.hospitalNumber(), keys.pseudonymKey());
        } catch (RowExtractionException e) {
            throw new IllegalStateException("the hospital number was checked when the keys were opened", e);
        }
        List<AnalyticsRow> rows = extraction.rows();
        SortedMap<String, String> recordTags = withPatientTag(tags, rows, keys.pseudonymKey());
        String resources = ResourceSummary.of(read.bundle(), summary);
        if (resources != null) {
            recordTags.putIfAbsent(ResourceSummary.TAG, resources);
        }
        String document = DocumentIdentity.reference(read.bundle(), keys.pseudonymKey());
        if (document != null) {
            recordTags.putIfAbsent(DocumentIdentity.TAG, document);
        }
        RecordKem kem = RecordKem.encapsulate(scheme, params, policy);
        byte[] envelope = kem.envelope(suite, bundle);
        byte[] sealed = EncryptedRows.seal(recordId, rows, kem, suite, random).toBytes();
        UploadStatement statement = new UploadStatement(
                keys.organisation(),
                key,
                policyText,
                UploadStatement.sha256(envelope),
                UploadStatement.sha256(sealed),
                recordTags);
        byte[] signature = statement.sign(keys.signingKey(), Suite.NIST);
        ObjectNode meta = Json.object();
        meta.put("idempotencyKey", key);
        meta.put("policy", policyText);
        ObjectNode t = meta.putObject("tags");
        recordTags.forEach(t::put);
        meta.put("signingKeyId", keys.keyId());
        meta.put("signature", Base64.getEncoder().encodeToString(signature));
        return new Preparation(new PreparedUpload(Json.compact(meta), envelope, sealed), extraction, read);
    }

    /** Tag naming the record's pseudonymous patient(s), for the service's per-patient FHIR Consent. */
    public static final String PATIENT_TAG = "patient";

    /**
     * A copy of {@code tags} plus {@value #PATIENT_TAG} = the consent references of the rows' patients (comma-separated),
     * unless the user set that tag or there are no rows. A consent reference is {@link #consentReference} of the row pseudonym: keyed by the
     * consortium key a second time, so the service can group a patient's records without being able to link them to
     * the enclave's row pseudonyms, and the hospital can recompute it from the patient identifier.
     */
    static SortedMap<String, String> withPatientTag(
            SortedMap<String, String> tags, List<AnalyticsRow> rows, PseudonymKey key) {
        SortedMap<String, String> out = new TreeMap<>(tags);
        if (tags.containsKey(PATIENT_TAG) || rows.isEmpty()) {
            return out;
        }
        TreeSet<String> refs = new TreeSet<>();
        rows.forEach(r -> refs.add(consentReference(key, r.patientPseudonym())));
        out.put(PATIENT_TAG, String.join(",", refs.stream().limit(16).toList()));
        return out;
    }

    /** The pseudonymous patient reference of a row pseudonym: 16 hex digits of a second keyed hash. */
    public static String consentReference(PseudonymKey key, long rowPseudonym) {
        return String.format(
                "%016x", key.pseudonymOf("medshare-consent-ref-v1:" + Long.toUnsignedString(rowPseudonym, 16)));
    }
}
