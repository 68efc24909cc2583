package org.medshare.service.records.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import jakarta.ws.rs.core.Response;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.medshare.abe.Envelope;
import org.medshare.abe.EnvelopeHeader;
import org.medshare.abe.MalformedCiphertextException;
import org.medshare.abe.Policy;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.problem.RequestRefusedException;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;

/**
 * Uploads, lists and serves encrypted records. The service checks what a hospital states (signature,
 * envelope format, policy rules, digests) and never the content: it has no key that opens a record.
 *
 * <p>Order of an upload, so that a crash leaves no half record visible: (1) every check, before anything
 * is written; (2) envelope and rows into the shard store (a crash here leaves only unreferenced shards,
 * which the store's garbage collection removes); (3) the record row, in one transaction; (4) the UPLOAD
 * event on the ledger, then the row is marked anchored and becomes visible. Rows committed but not anchored
 * (a crash between 3 and 4) are anchored at the next start by {@link #anchorPending()}.
 */
@ApplicationScoped
public class RecordService {

    private static final Logger LOG = Logger.getLogger(RecordService.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** API model of a record (metadata only). */
    public record RecordView(String recordId, String organisation, String policy, String suite,
                             String envelopeCid, long envelopeBytes, String rowsCid, long rowsBytes,
                             Map<String, String> tags, String signingKeyId, java.time.Instant createdAt,
                             Long ledgerIndex) {
    }

    /** The answer to an upload: the record and its ledger receipt; {@code replayed} when the key was seen before. */
    public record UploadResult(RecordView record, LedgerReceipt receipt, boolean replayed) {
    }

    /** The parts of an upload as received; the files are the service's temporary copies. */
    public record UploadParts(String metadataJson, Path envelope, Path rows) {
    }

    private final RecordRepository repository;
    private final SigningKeyService signingKeys;
    private final ShardStore store;
    private final LedgerService ledger;
    private final MedshareConfig config;
    private final PolicyRules policyRules;
    private final Clock clock = Clock.systemUTC();

    @Inject
    RecordService(RecordRepository repository, SigningKeyService signingKeys, ShardStore store, LedgerService ledger,
                  MedshareConfig config) {
        this.repository = repository;
        this.signingKeys = signingKeys;
        this.store = store;
        this.ledger = ledger;
        this.config = config;
        this.policyRules = new PolicyRules(config.records().currentEpoch());
    }

    /** Checks and stores one upload of {@code caller} (a hospital). */
    public UploadResult upload(Caller caller, UploadParts parts) {
        UploadMetadata metadata = parseMetadata(parts.metadataJson());
        byte[] envelope = readPart("envelope", parts.envelope(), config.records().maxEnvelopeBytes());
        byte[] rows = readPart("rows", parts.rows(), config.records().maxRowsBytes());
        UploadStatement statement = statement(caller, metadata, envelope, rows);
        String recordId = statement.recordId();
        List<String> patients = patientRefs(metadata.tags());

        Policy policy = policyRules.check(metadata.policy(), caller.organisation());
        EnvelopeHeader envelopeHeader = header("envelope", envelope);
        EncryptedRows sealedRows = rowsContainer(rows, recordId);
        if (!envelopeHeader.policy().equals(policy) || !sealedRows.policy().equals(policy)) {
            throw RequestRefusedException.badRequest("policy-mismatch", "Policy mismatch",
                    "The envelope and the rows must be encrypted under the policy stated in the metadata.");
        }
        if (envelopeHeader.suite() != sealedRows.suite()) {
            throw RequestRefusedException.badRequest("suite-mismatch", "Suite mismatch",
                    "The envelope and the rows must use the same suite.");
        }
        PublicKey key = signingKeys.activeKey(caller.organisation(), metadata.signingKeyId());
        if (!statement.verify(key, decodeSignature(metadata.signature()))) {
            throw RequestRefusedException.badRequest("bad-signature", "Signature does not verify",
                    "The signature does not match the upload statement for these bytes and this metadata.");
        }
        String statementHash = HexFormat.of().formatHex(UploadStatement.sha256(statement.canonicalBytes()));

        Optional<UploadResult> replay = replayOf(caller, metadata.idempotencyKey(), statementHash);
        if (replay.isPresent()) {
            return replay.get();
        }

        Manifest envelopeManifest = put(caller, envelope);
        Manifest rowsManifest;
        try {
            rowsManifest = put(caller, rows);
        } catch (RuntimeException e) {
            release(caller, envelopeManifest);
            throw e;
        }
        RecordEntity record = new RecordEntity(recordId, caller.organisation(),
                metadata.idempotencyKey(), metadata.policy(), envelopeHeader.suite().label(),
                envelopeManifest.recordCid().toString(), envelope.length,
                rowsManifest.recordCid().toString(), rows.length, encodeTags(statement.tags()),
                metadata.signingKeyId(), metadata.signature(), statementHash, caller.subject(), clock.instant());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                repository.persist(record);
                patients.forEach(p -> repository.addPatient(recordId, caller.organisation(), p,
                        consentId(caller.organisation(), p)));
            });
        } catch (PersistenceException e) {
            release(caller, envelopeManifest);
            release(caller, rowsManifest);
            return replayOf(caller, metadata.idempotencyKey(), statementHash).orElseThrow(() -> e);
        }
        LedgerReceipt receipt = anchor(record.id(), caller.organisation(), envelope, metadata.policy());
        return new UploadResult(view(reload(record.id())), receipt, false);
    }

    /** The caller's organisation's visible records, newest first. */
    public List<RecordView> list(Caller caller, int offset, int limit) {
        return QuarkusTransaction.requiringNew().call(() ->
                repository.visibleOf(caller.organisation(), offset, limit).stream().map(RecordService::view).toList());
    }

    /** One visible record of the caller's organisation. */
    public RecordView get(Caller caller, String recordId) {
        RecordEntity record = visible(recordId).filter(r -> r.organisation().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
        return view(record);
    }

    /**
     * The ciphertext of a visible record of the caller's organisation, for a clinician whose ABE key may open it;
     * the download is appended to the ledger as an ACCESS event before any byte is returned. Another
     * organisation's record is not found, and leaves no ACCESS event. A record whose consent was revoked, per record
     * or per patient (FHIR Consent {@code $revoke}), is not released (403 {@code consent-revoked}).
     */
    public InputStream ciphertext(Caller caller, String recordId) {
        RecordEntity record = visible(recordId).filter(r -> r.organisation().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
        if (QuarkusTransaction.requiringNew().call(() -> repository.consentRevoked(recordId))) {
            throw RequestRefusedException.forbidden("consent-revoked",
                    "The patient's consent for record " + recordId + " was revoked; its ciphertext is no longer released.");
        }
        ledger.append(Event.builder(EventType.ACCESS).timestamp(clock.millis())
                .id(Field.ACTOR, actor(caller)).id(Field.RECORD_ID, record.id()).id(Field.PURPOSE, "ciphertext-download")
                .build());
        try {
            return store.get(Cid.parse(record.envelopeCid()));
        } catch (IOException e) {
            throw new UncheckedIOException("record " + recordId + " cannot be read from the store", e);
        }
    }

    /** Organisation by hospital number (the number analytics rows carry). */
    public Map<Integer, String> hospitalsByNumber() {
        return QuarkusTransaction.requiringNew().call(repository::hospitalsByNumber);
    }

    /** A visible record's encrypted analytics rows, as read from the store (ciphertext only). */
    public record StoredRows(String recordId, String organisation, byte[] encryptedRows) {
    }

    /**
     * The encrypted rows of every visible record whose policy {@code attributes} satisfy (a public check on the
     * policy text; nothing is decrypted here), oldest first.
     */
    public List<StoredRows> rowsOpenableBy(java.util.Set<String> attributes) {
        List<RecordEntity> candidates = QuarkusTransaction.requiringNew().call(repository::visible);
        List<StoredRows> out = new java.util.ArrayList<>();
        for (RecordEntity record : candidates) {
            if (Policy.parse(record.policy()).isSatisfiedBy(attributes)) {
                try (InputStream in = store.get(Cid.parse(record.rowsCid()))) {
                    out.add(new StoredRows(record.id(), record.organisation(), in.readAllBytes()));
                } catch (IOException e) {
                    throw new UncheckedIOException("rows of record " + record.id() + " cannot be read", e);
                }
            }
        }
        return out;
    }

    /**
     * Anchors records whose row was committed but whose UPLOAD event was not appended (crash recovery). A record
     * whose event did reach the ledger before the crash (killed while waiting for the checkpoint) takes that
     * event's index instead of a second UPLOAD event.
     */
    public int anchorPending() {
        List<RecordEntity> pending = QuarkusTransaction.requiringNew().call(repository::unanchored);
        Map<String, Long> onLedger = new HashMap<>();
        if (!pending.isEmpty()) {
            for (LedgerService.LedgerEntry e : ledger.entriesOfTypes(Set.of(EventType.UPLOAD))) {
                onLedger.putIfAbsent(e.event().id(Field.RECORD_ID), e.index());
            }
        }
        for (RecordEntity record : pending) {
            Long index = onLedger.get(record.id());
            if (index != null) {
                QuarkusTransaction.requiringNew().run(() -> repository.byId(record.id()).orElseThrow().anchoredAt(index));
                continue;
            }
            try (InputStream in = store.get(Cid.parse(record.envelopeCid()))) {
                anchor(record.id(), record.organisation(), in.readAllBytes(), record.policy());
            } catch (IOException e) {
                throw new UncheckedIOException("pending record " + record.id() + " cannot be anchored", e);
            }
        }
        if (!pending.isEmpty()) {
            LOG.infof("anchored %d record(s) left pending by an interrupted upload", pending.size());
        }
        return pending.size();
    }

    /** How a caller is named in events and stored decisions: organisation and subject. */
    public static String actor(Caller caller) {
        return caller.organisation() + ":" + caller.subject();
    }

    private LedgerReceipt anchor(String recordId, String organisation, byte[] envelope, String policy) {
        LedgerReceipt receipt = ledger.append(Event.upload(clock.millis(), organisation, recordId,
                UploadStatement.sha256(envelope), UploadStatement.sha256(policy.getBytes(StandardCharsets.UTF_8))));
        QuarkusTransaction.requiringNew().run(() ->
                repository.byId(recordId).orElseThrow().anchoredAt(receipt.index()));
        return receipt;
    }

    private RecordEntity reload(String recordId) {
        return QuarkusTransaction.requiringNew().call(() -> repository.byId(recordId).orElseThrow());
    }

    private Optional<RecordEntity> visible(String recordId) {
        return QuarkusTransaction.requiringNew().call(() ->
                repository.byId(recordId).filter(r -> r.ledgerIndex() != null));
    }

    private Optional<UploadResult> replayOf(Caller caller, String idempotencyKey, String statementHash) {
        Optional<RecordEntity> existing = QuarkusTransaction.requiringNew().call(() ->
                repository.byIdempotencyKey(caller.organisation(), idempotencyKey));
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        RecordEntity record = existing.get();
        if (!record.statementSha256().equals(statementHash)) {
            throw RequestRefusedException.conflict("idempotency-conflict", "Idempotency key reused",
                    "Idempotency key " + idempotencyKey + " was already used for a different upload.");
        }
        if (record.ledgerIndex() == null) {
            throw new RequestRefusedException(Response.Status.CONFLICT, "upload-in-progress", "Upload in progress",
                    "An upload with this idempotency key is still being anchored; retry shortly.");
        }
        return Optional.of(new UploadResult(view(record), ledger.receiptFor(record.ledgerIndex()), true));
    }

    private Manifest put(Caller caller, byte[] bytes) {
        try {
            return store.put(caller.organisation(), new ByteArrayInputStream(bytes));
        } catch (org.medshare.store.QuotaExceededException e) {
            throw new RequestRefusedException(Response.Status.fromStatusCode(507), "quota-exceeded",
                    "Storage quota exceeded", "Your organisation's storage quota does not allow this record.");
        } catch (IOException e) {
            throw new UncheckedIOException("the shard store refused the record", e);
        }
    }

    /** Drops this upload's reference to stored bytes it will not use (the store keeps them while others refer). */
    private void release(Caller caller, Manifest manifest) {
        try {
            store.delete(caller.organisation(), manifest.recordCid());
        } catch (IOException e) {
            LOG.warnf("unreferenced ciphertext %s is left for garbage collection", manifest.recordCid());
        }
    }

    /** Name of the upload tag that carries the record's pseudonymous patient reference(s). */
    public static final String PATIENT_TAG = "patient";
    private static final java.util.regex.Pattern PATIENT_REF = java.util.regex.Pattern.compile("[0-9a-f]{16,64}");

    /**
     * The pseudonymous patient references of the {@value #PATIENT_TAG} tag: comma-separated lower-case hex keyed
     * hashes (16 to 64 digits, at most 16), so that a name or a medical record number is refused by form.
     */
    /**
     * The id of the FHIR Consent of a (hospital, pseudonymous patient): the first 128 bits of
     * SHA-256("medshare-consent-v1" ‖ 0x0A ‖ organisation ‖ 0x0A ‖ patient reference), hex. Deterministic, so a
     * consent needs no row until it is revoked, and it reveals neither the organisation nor the patient.
     */
    public static String consentId(String organisation, String patientRef) {
        byte[] digest = UploadStatement.sha256(("medshare-consent-v1\n" + organisation + "\n" + patientRef)
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
    }

    static List<String> patientRefs(Map<String, String> tags) {
        String value = tags.get(PATIENT_TAG);
        if (value == null) {
            return List.of();
        }
        List<String> refs = java.util.Arrays.stream(value.split(",", -1)).map(String::strip).distinct().toList();
        if (refs.size() > 16 || refs.stream().anyMatch(r -> !PATIENT_REF.matcher(r).matches())) {
            throw RequestRefusedException.badRequest("invalid-patient-reference", "Invalid patient reference",
                    "The tag '" + PATIENT_TAG + "' holds 1 to 16 comma-separated pseudonymous references of 16-64 "
                            + "lower-case hex digits (a keyed hash, never a name or record number).");
        }
        return refs;
    }

    private static UploadMetadata parseMetadata(String json) {
        if (json == null || json.isBlank()) {
            throw RequestRefusedException.badRequest("missing-part", "Missing part", "The part 'metadata' is required.");
        }
        try {
            UploadMetadata metadata = JSON.readValue(json, UploadMetadata.class);
            if (metadata == null || metadata.idempotencyKey() == null || metadata.policy() == null || metadata.signingKeyId() == null
                    || metadata.signature() == null) {
                throw RequestRefusedException.badRequest("invalid-metadata", "Invalid metadata",
                        "idempotencyKey, policy, signingKeyId and signature are required.");
            }
            return metadata;
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw RequestRefusedException.badRequest("invalid-metadata", "Invalid metadata",
                    "Unknown field '" + e.getPropertyName() + "' in metadata.");
        } catch (com.fasterxml.jackson.databind.exc.MismatchedInputException e) {
            throw RequestRefusedException.badRequest("invalid-metadata", "Invalid metadata",
                    "The metadata does not have the expected fields and types.");
        } catch (JsonProcessingException e) {
            throw RequestRefusedException.badRequest("malformed-json", "Malformed JSON",
                    "The metadata part is not valid JSON.");
        }
    }

    private static byte[] readPart(String name, Path file, long limit) {
        if (file == null) {
            throw RequestRefusedException.badRequest("missing-part", "Missing part", "The part '" + name + "' is required.");
        }
        try {
            long size = Files.size(file);
            if (size > limit) {
                throw new RequestRefusedException(Response.Status.REQUEST_ENTITY_TOO_LARGE, "part-too-large",
                        "Part too large", "The part '" + name + "' has " + size + " bytes; at most " + limit + " are accepted.");
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
            throw RequestRefusedException.badRequest("malformed-envelope", "Malformed envelope",
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
            throw RequestRefusedException.badRequest("malformed-rows", "Malformed analytics rows",
                    "The rows part is not an encrypted rows container this service accepts: " + e.getMessage() + ".");
        }
        if (parsed.chunks().stream().anyMatch(c -> !c.recordId().equals(recordId))) {
            throw RequestRefusedException.badRequest("rows-record-mismatch", "Rows bound to another record",
                    "Every row chunk must be bound to record " + recordId + " (derived from your idempotency key).");
        }
        return parsed;
    }

    private static UploadStatement statement(Caller caller, UploadMetadata metadata, byte[] envelope, byte[] rows) {
        try {
            return new UploadStatement(caller.organisation(), metadata.idempotencyKey(), metadata.policy(),
                    UploadStatement.sha256(envelope), UploadStatement.sha256(rows), new TreeMap<>(metadata.tags()));
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.badRequest("invalid-metadata", "Invalid metadata", e.getMessage());
        }
    }

    private static byte[] decodeSignature(String base64) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.badRequest("bad-signature", "Signature does not verify",
                    "The signature is not valid base64.");
        }
    }

    private static String encodeTags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
    }

    private static Map<String, String> decodeTags(String text) {
        TreeMap<String, String> tags = new TreeMap<>();
        if (!text.isEmpty()) {
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                tags.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return tags;
    }

    private static RecordView view(RecordEntity r) {
        return new RecordView(r.id(), r.organisation(), r.policy(), r.suite(), r.envelopeCid(), r.envelopeBytes(),
                r.rowsCid(), r.rowsBytes(), decodeTags(r.tags()), r.signingKeyId(), r.createdAt(), r.ledgerIndex());
    }
}
