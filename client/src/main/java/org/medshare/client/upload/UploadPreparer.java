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
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Envelope;
import org.medshare.abe.Policy;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.RecordKem;
import org.medshare.abe.Suite;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.http.Json;
import org.medshare.enclave.rows.AnalyticsRow;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.RowExtractionException;
import org.medshare.enclave.rows.RowExtractor;

/**
 * The hospital-side work of one upload (DESIGN §3), with no I/O: extracts the bundle's analytics rows,
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
  private final SecureRandom random = new SecureRandom();
  private final AbeScheme scheme = new AbeScheme(random);

  /**
   * @param policyText the policy as the user wrote it (signed and sent as is)
   * @param policy     its parsed form
   * @throws IllegalArgumentException if a tag is not valid in an {@link UploadStatement}
   */
  public UploadPreparer(HospitalKeys keys, PublicParameters params, Suite suite, String policyText, Policy policy,
                        SortedMap<String, String> tags) {
    this.keys = keys;
    this.params = params;
    this.suite = suite;
    this.policyText = policyText;
    this.policy = policy;
    this.tags = new TreeMap<>(tags);
    new UploadStatement(keys.organisation(), "check", policyText, new byte[32], new byte[32], this.tags);
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
   * Prepares the upload of {@code bundle} (FHIR R4 JSON).
   *
   * @throws RowExtractionException   if the bundle is not a FHIR R4 Bundle or has no claim or encounter
   * @throws GeneralSecurityException if signing fails
   */
  public PreparedUpload prepare(byte[] bundle) throws RowExtractionException, GeneralSecurityException {
    String key = idempotencyKey(policyText, bundle);
    String recordId = UploadStatement.recordId(keys.organisation(), key);
    List<AnalyticsRow> rows = RowExtractor.shared()
        .extract(new String(bundle, StandardCharsets.UTF_8), keys.hospitalNumber(), keys.pseudonymKey());
    if (rows.isEmpty()) {
      throw new RowExtractionException("the bundle has no claim or encounter to analyse");
    }
    SortedMap<String, String> recordTags = withPatientTag(tags, rows, keys.pseudonymKey());
    RecordKem kem = RecordKem.encapsulate(scheme, params, policy);
    byte[] envelope = kem.envelope(suite, bundle);
    byte[] sealed = EncryptedRows.seal(recordId, rows, kem, suite, random).toBytes();
    UploadStatement statement = new UploadStatement(keys.organisation(), key, policyText,
        UploadStatement.sha256(envelope), UploadStatement.sha256(sealed), recordTags);
    byte[] signature = statement.sign(keys.signingKey(), Suite.NIST);
    ObjectNode meta = Json.object();
    meta.put("idempotencyKey", key);
    meta.put("policy", policyText);
    ObjectNode t = meta.putObject("tags");
    recordTags.forEach(t::put);
    meta.put("signingKeyId", keys.keyId());
    meta.put("signature", Base64.getEncoder().encodeToString(signature));
    return new PreparedUpload(Json.compact(meta), envelope, sealed);
  }

  /** Tag naming the record's pseudonymous patient(s), for the service's per-patient FHIR Consent. */
  public static final String PATIENT_TAG = "patient";

  /**
   * {@code tags} plus {@value #PATIENT_TAG} = the consent references of the rows' patients (comma-separated), unless
   * the user set that tag. A consent reference is {@link #consentReference} of the row pseudonym: keyed by the
   * consortium key a second time, so the service can group a patient's records without being able to link them to
   * the enclave's row pseudonyms, and the hospital can recompute it from the patient identifier.
   */
  static SortedMap<String, String> withPatientTag(SortedMap<String, String> tags, List<AnalyticsRow> rows,
                                                  org.medshare.enclave.rows.PseudonymKey key) {
    if (tags.containsKey(PATIENT_TAG)) {
      return tags;
    }
    java.util.TreeSet<String> refs = new java.util.TreeSet<>();
    rows.forEach(r -> refs.add(consentReference(key, r.patientPseudonym())));
    SortedMap<String, String> out = new TreeMap<>(tags);
    out.put(PATIENT_TAG, String.join(",", refs.stream().limit(16).toList()));
    return out;
  }

  /** The pseudonymous patient reference of a row pseudonym: 16 hex digits of a second keyed hash. */
  public static String consentReference(org.medshare.enclave.rows.PseudonymKey key, long rowPseudonym) {
    return String.format("%016x", key.pseudonymOf("medshare-consent-ref-v1:" + Long.toUnsignedString(rowPseudonym, 16)));
  }
}
