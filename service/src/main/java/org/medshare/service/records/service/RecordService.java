package org.medshare.service.records.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;
import org.medshare.abe.Policy;
import org.medshare.service.consent.persistence.ConsentRepository;
import org.medshare.service.consent.service.ConsentIds;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.service.records.service.UploadCheck.CheckedUpload;
import org.medshare.service.refusal.Refusal;
import org.medshare.service.refusal.RequestRefusedException;
import org.medshare.store.Cid;
import org.medshare.store.Manifest;
import org.medshare.store.QuotaExceededException;
import org.medshare.store.ShardStore;

/**
 * Uploads, lists and serves encrypted records. The service checks what a hospital states (signature,
 * envelope format, policy rules, digests; see {@link UploadCheck}) and never the content: it has no key that opens
 * a record.
 *
 * <p>Order of an upload, so that a crash leaves no half record visible: (1) every check, before anything
 * is written; (2) envelope and rows into the shard store (a crash here leaves only unreferenced shards,
 * which the store's garbage collection removes); (3) the record row, in one transaction; (4) the UPLOAD
 * event on the ledger, then the row is marked anchored and becomes visible. Rows committed but not anchored
 * (a crash between 3 and 4) are anchored at the next start by {@link RecordAnchoring#anchorPending()}.
 */
@ApplicationScoped
public class RecordService {

    private static final Logger LOG = Logger.getLogger(RecordService.class);

    /**
     * API model of a record (metadata only).
     *
     * @param analyticsRows    the rows its rows container states (null for records uploaded before the count was
     *                         kept, which all had rows)
     * @param usedInStatistics whether queries read it: it has rows and is the current version of its document
     * @param resourceSummary  the disclosed coarse summary: resource type to count bucket ({@code ""} when only the
     *                         type was disclosed); empty when none
     * @param version          1, or n for the n-th upload of the same document ({@code document} tag)
     * @param recordOf         the first version's record id (its own id for version 1): the document's record
     * @param previousVersion  the version this one replaced, or null
     * @param supersededBy     the version that replaced this one, or null while it is current
     */
    public record RecordView(
            String recordId,
            String organisation,
            String policy,
            String suite,
            String envelopeCid,
            long envelopeBytes,
            String rowsCid,
            long rowsBytes,
            Map<String, String> tags,
            String signingKeyId,
            Instant createdAt,
            Long ledgerIndex,
            @Schema(nullable = true) Long analyticsRows,
            boolean usedInStatistics,
            Map<String, String> resourceSummary,
            int version,
            String recordOf,
            @Schema(nullable = true) String previousVersion,
            @Schema(nullable = true) String supersededBy) {}

    /**
     * The answer to an upload: the record and its ledger receipt; {@code replayed} when the key was seen before;
     * {@code note} says in words what a hospital should know (stored without analytics rows, a new version), or null.
     */
    public record UploadResult(
            RecordView record,
            LedgerReceipt receipt,
            boolean replayed,
            @Schema(nullable = true) String note) {
        UploadResult(RecordView record, LedgerReceipt receipt, boolean replayed) {
            this(record, receipt, replayed, noteOn(record));
        }
    }

    /** The parts of an upload as received; the files are the service's temporary copies. */
    public record UploadParts(String metadataJson, Path envelope, Path rows) {}

    /**
     * Timer of a granted ciphertext request, from its arrival at this class to the last byte read from the store:
     * the checks, the ACCESS event and the store read.
     */
    public static final String RELEASE_DURATION = "medshare.records.release.duration";
    /** Timer of the store read alone within {@link #RELEASE_DURATION}. */
    public static final String ENVELOPE_READ = "medshare.records.envelope.read";

    private final RecordRepository repository;
    private final ConsentRepository consents;
    private final UploadCheck uploadCheck;
    private final RecordAnchoring anchoring;
    private final ShardStore store;
    private final LedgerService ledger;
    private final RecordRelease release;
    private final MeterRegistry meters;
    private final AttributeEpochs epochs;
    private final Clock clock = Clock.systemUTC();

    @Inject
    RecordService(
            RecordRepository repository,
            ConsentRepository consents,
            UploadCheck uploadCheck,
            RecordAnchoring anchoring,
            ShardStore store,
            LedgerService ledger,
            RecordRelease release,
            MeterRegistry meters,
            AttributeEpochs epochs) {
        this.repository = repository;
        this.consents = consents;
        this.uploadCheck = uploadCheck;
        this.anchoring = anchoring;
        this.store = store;
        this.ledger = ledger;
        this.release = release;
        this.meters = meters;
        this.epochs = epochs;
    }

    /** Checks and stores one upload of {@code caller} (a hospital). */
    public UploadResult upload(Caller caller, UploadParts parts) {
        CheckedUpload upload = uploadCheck.check(caller, parts);
        UploadMetadata metadata = upload.metadata();
        String recordId = upload.statement().recordId();

        Optional<UploadResult> replay = replayOf(caller, metadata.idempotencyKey(), upload.statementHash());
        if (replay.isPresent()) {
            return replay.get();
        }

        if (upload.replaces() != null) {
            QuarkusTransaction.requiringNew().run(() -> replaceable(caller, upload));
        }
        Manifest envelopeManifest = put(caller, upload.envelope());
        Manifest rowsManifest;
        try {
            rowsManifest = put(caller, upload.rows());
        } catch (RuntimeException e) {
            release(caller, envelopeManifest);
            throw e;
        }
        RecordEntity record = new RecordEntity(
                        recordId,
                        caller.organisation(),
                        metadata.idempotencyKey(),
                        metadata.policy(),
                        upload.suite(),
                        envelopeManifest.recordCid().toString(),
                        upload.envelope().length,
                        rowsManifest.recordCid().toString(),
                        upload.rows().length,
                        encodeTags(upload.statement().tags()),
                        metadata.signingKeyId(),
                        metadata.signature(),
                        upload.statementHash(),
                        caller.subject(),
                        clock.instant())
                .withContent(upload.analyticsRows(), upload.documentRef());
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                if (upload.replaces() != null) {
                    RecordEntity previous = replaceable(caller, upload);
                    record.versionAfter(previous);
                    previous.supersededBy(recordId);
                } else if (upload.documentRef() != null) {
                    repository
                            .currentVersionOf(caller.organisation(), upload.documentRef())
                            .ifPresent(previous -> {
                                record.versionAfter(previous);
                                previous.supersededBy(recordId);
                            });
                }
                repository.persist(record);
                upload.patients()
                        .forEach(p -> consents.addPatient(
                                recordId, caller.organisation(), p, ConsentIds.of(caller.organisation(), p)));
            });
        } catch (RequestRefusedException e) {
            release(caller, envelopeManifest);
            release(caller, rowsManifest);
            throw e;
        } catch (PersistenceException e) {
            release(caller, envelopeManifest);
            release(caller, rowsManifest);
            Optional<UploadResult> replayed = replayOf(caller, metadata.idempotencyKey(), upload.statementHash());
            if (replayed.isEmpty() && upload.documentRef() != null) {
                throw new RequestRefusedException(
                        Refusal.CONFLICT,
                        "upload-in-progress",
                        "Upload in progress",
                        "Another version of this document is being stored at the same moment; retry shortly.");
            }
            return replayed.orElseThrow(() -> e);
        }
        LedgerReceipt receipt = anchoring.anchor(
                record.id(), caller.organisation(), record.previousId(), upload.envelope(), metadata.policy());
        record.anchoredAt(receipt.index());
        return new UploadResult(view(record), receipt, false);
    }

    /**
     * The current versions of the caller's organisation's visible records, newest first; with {@code resourceType}
     * only those whose resource summary names that FHIR resource type.
     */
    public List<RecordView> list(Caller caller, String resourceType, int offset, int limit) {
        if (resourceType != null && !resourceType.matches("[A-Z][A-Za-z]{0,63}")) {
            throw RequestRefusedException.invalid(
                    "invalid-resource-type",
                    "Invalid resource type",
                    "resourceType is a FHIR resource type name such as Observation (letters only).");
        }
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.visibleOf(caller.organisation(), resourceType, offset, limit).stream()
                        .map(RecordService::view)
                        .toList());
    }

    /** One visible record of the caller's organisation. */
    public RecordView get(Caller caller, String recordId) {
        RecordEntity record = visible(recordId)
                .filter(r -> r.organisation().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
        return view(record);
    }

    /**
     * The ciphertext of a visible record, for a clinician whose ABE key may open it. {@link RecordRelease} decides
     * (the owner's own clinicians, or another organisation's under policy, consent and purpose of use) and appends
     * the ACCESS event before any byte is returned; a refusal writes nothing. A record that does not exist, or is
     * not yet visible, is not found.
     *
     * @param purpose the request's HL7 v3 PurposeOfUse code, or null
     * @param reason  the written reason of an emergency release, or null
     */
    public InputStream ciphertext(Caller caller, String recordId, String purpose, String reason) {
        Timer.Sample whole = Timer.start(meters);
        RecordEntity record;
        try {
            record = visible(recordId).orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
            release.release(caller, record, purpose, reason);
        } catch (RequestRefusedException e) {
            release.countRefusal(e.kind());
            throw e;
        }
        Timer.Sample read = Timer.start(meters);
        InputStream envelope;
        try {
            envelope = store.get(Cid.parse(record.envelopeCid()));
        } catch (IOException e) {
            throw new UncheckedIOException("record " + recordId + " cannot be read from the store", e);
        }
        return new FilterInputStream(envelope) {
            private boolean closed;

            @Override
            public void close() throws IOException {
                super.close();
                if (!closed) {
                    closed = true;
                    read.stop(meters.timer(ENVELOPE_READ));
                    whole.stop(meters.timer(RELEASE_DURATION));
                }
            }
        };
    }

    /**
     * A record as another organisation's clinician finds it: the metadata needed to fetch it and to check, on the
     * clinician's side, that the downloaded envelope is the one its hospital signed. No content; nothing here is
     * secret from a clinician whose attributes satisfy the policy.
     *
     * @param idempotencyKey   the upload's key, part of the signed upload statement
     * @param tags             every tag the hospital signed (the statement's {@code tag:} lines)
     * @param resourceSummary  the coarse resource summary (type to count bucket)
     * @param signature        the hospital's upload signature over the statement, base64
     * @param signingPublicKey the hospital's signing key (X.509 SubjectPublicKeyInfo, base64), or null if unknown
     */
    public record SharedRecord(
            String recordId,
            String organisation,
            String policy,
            String suite,
            Instant createdAt,
            int version,
            String envelopeCid,
            long envelopeBytes,
            String rowsCid,
            long rowsBytes,
            Map<String, String> tags,
            Map<String, String> resourceSummary,
            String idempotencyKey,
            String signingKeyId,
            String signature,
            @Schema(nullable = true) String signingPublicKey,
            Long ledgerIndex) {}

    /**
     * The current versions of visible records, of every organisation, that name the pseudonymous patient
     * {@code patientRef} and whose policy the caller's attributes ({@link ClinicianAttributes}) satisfy (a public check
     * on the policy text; nothing is decrypted), newest first. The caller's own organisation's records are listed by
     * the same rule, with the attributes the caller held before the current epoch added ({@link
     * ClinicianAttributes#retired}), so that a hospital still finds its records awaiting re-encryption, among them
     * those naming its organisation without an epoch. Whether the patient's consent permits a release is decided when
     * the ciphertext is asked for.
     *
     * @throws RequestRefusedException 400 {@code invalid-patient-reference} unless {@code patientRef} is 16 to 64
     *     lower-case hex digits
     */
    public List<SharedRecord> search(Caller caller, String patientRef, int offset, int limit) {
        if (patientRef == null || !patientRef.matches("[0-9a-f]{16,64}")) {
            throw RequestRefusedException.invalid(
                    "invalid-patient-reference",
                    "Invalid patient reference",
                    "patient is the consortium pseudonym of the patient (16-64 lower-case hex digits).");
        }
        Set<String> attributes = ClinicianAttributes.of(caller, epochs.current());
        Set<String> ownAttributes = new TreeSet<>(attributes);
        ownAttributes.addAll(ClinicianAttributes.retired(caller, epochs));
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.visibleOfPatient(patientRef).stream()
                        .filter(r -> Policy.parse(r.policy())
                                .isSatisfiedBy(
                                        r.organisation().equals(caller.organisation()) ? ownAttributes : attributes))
                        .skip(offset)
                        .limit(limit)
                        .map(this::shared)
                        .toList());
    }

    /**
     * One visible record as {@link SharedRecord}, for its own organisation or a caller whose attributes satisfy its
     * policy.
     *
     * @throws RequestRefusedException 404 if it does not exist, 403 {@code policy-not-satisfied} otherwise
     */
    public SharedRecord shared(Caller caller, String recordId) {
        RecordEntity record =
                visible(recordId).orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
        if (!record.organisation().equals(caller.organisation())
                && !Policy.parse(record.policy()).isSatisfiedBy(ClinicianAttributes.of(caller, epochs.current()))) {
            throw new RequestRefusedException(
                    Refusal.FORBIDDEN,
                    "policy-not-satisfied",
                    "Policy not satisfied",
                    "Your attributes do not satisfy the policy of record " + recordId + ".");
        }
        return QuarkusTransaction.requiringNew().call(() -> shared(record));
    }

    private SharedRecord shared(RecordEntity r) {
        Map<String, String> tags = decodeTags(r.tags());
        return new SharedRecord(
                r.id(),
                r.organisation(),
                r.policy(),
                r.suite(),
                r.createdAt(),
                r.version(),
                r.envelopeCid(),
                r.envelopeBytes(),
                r.rowsCid(),
                r.rowsBytes(),
                tags,
                resourceSummary(tags.get(UploadCheck.RESOURCES_TAG)),
                r.idempotencyKey(),
                r.signingKeyId(),
                r.signature(),
                repository.signingKey(r.signingKeyId()).map(k -> k.publicKey()).orElse(null),
                r.ledgerIndex());
    }

    /** The preview of a policy {@code caller}'s organisation might set ({@link PolicyPreview}). */
    public PolicyPreview preview(Caller caller, String expression) {
        return PolicyPreview.of(expression, caller.organisation(), new PolicyRules(epochs.current()));
    }

    /** Organisation by hospital number (the number analytics rows carry). */
    public Map<Integer, String> hospitalsByNumber() {
        return QuarkusTransaction.requiringNew().call(repository::hospitalsByNumber);
    }

    /**
     * A visible record statistics may use, before its rows are read ({@link #encryptedRows}).
     *
     * @param rowsCid where the store keeps its encrypted analytics rows
     */
    public record StatisticsInput(String recordId, String organisation, String rowsCid) {}

    /**
     * Every visible record statistics may use (the current version of a document, with analytics rows) whose policy
     * {@code attributes} satisfy (a public check on the policy text; nothing is read from the store or decrypted
     * here), oldest first. A document uploaded in several versions counts once, by its current version.
     */
    public List<StatisticsInput> statisticsInputsOpenableBy(Set<String> attributes) {
        Map<String, Boolean> satisfied = new HashMap<>();
        List<StatisticsInput> out = new ArrayList<>();
        for (RecordRepository.StatisticsCandidate c :
                QuarkusTransaction.requiringNew().call(repository::visibleForStatistics)) {
            if (satisfied.computeIfAbsent(c.policy(), p -> Policy.parse(p).isSatisfiedBy(attributes))) {
                out.add(new StatisticsInput(c.recordId(), c.organisation(), c.rowsCid()));
            }
        }
        return out;
    }

    /** The encrypted analytics rows stored under {@code rowsCid} ({@link StatisticsInput#rowsCid()}), ciphertext. */
    public byte[] encryptedRows(String rowsCid) {
        try (InputStream in = store.get(Cid.parse(rowsCid))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("rows " + rowsCid + " cannot be read", e);
        }
    }

    private RecordEntity reload(String recordId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.byId(recordId).orElseThrow());
    }

    /**
     * The record an upload's {@code replaces} tag names, within the caller's transaction: a visible record of the
     * caller's organisation that is the current version of its document (and, when the upload names a document, that
     * document's current version).
     *
     * @throws RequestRefusedException 404 for an unknown record or another organisation's, 409
     *     {@code not-current-version} for a version already replaced
     */
    private RecordEntity replaceable(Caller caller, CheckedUpload upload) {
        RecordEntity previous = repository
                .byId(upload.replaces())
                .filter(r -> r.ledgerIndex() != null && r.organisation().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.notFound("Record " + upload.replaces()));
        boolean documentMovedOn = upload.documentRef() != null
                && repository
                        .currentVersionOf(caller.organisation(), upload.documentRef())
                        .filter(current -> !current.id().equals(previous.id()))
                        .isPresent();
        if (previous.supersededBy() != null || documentMovedOn) {
            throw RequestRefusedException.conflict(
                    "not-current-version",
                    "Not the current version",
                    "Record " + previous.id() + " was already replaced by a newer version; an upload replaces the "
                            + "current version only.");
        }
        return previous;
    }

    private Optional<RecordEntity> visible(String recordId) {
        return QuarkusTransaction.requiringNew()
                .call(() -> repository.byId(recordId).filter(r -> r.ledgerIndex() != null));
    }

    private Optional<UploadResult> replayOf(Caller caller, String idempotencyKey, String statementHash) {
        Optional<RecordEntity> existing = QuarkusTransaction.requiringNew()
                .call(() -> repository.byIdempotencyKey(caller.organisation(), idempotencyKey));
        if (existing.isEmpty()) {
            return Optional.empty();
        }
        RecordEntity record = existing.get();
        if (!record.statementSha256().equals(statementHash)) {
            throw RequestRefusedException.conflict(
                    "idempotency-conflict",
                    "Idempotency key reused",
                    "Idempotency key " + idempotencyKey + " was already used for a different upload.");
        }
        if (record.ledgerIndex() == null) {
            throw RequestRefusedException.conflict(
                    "upload-in-progress",
                    "Upload in progress",
                    "An upload with this idempotency key is still being anchored; retry shortly.");
        }
        return Optional.of(new UploadResult(view(record), ledger.receiptFor(record.ledgerIndex()), true));
    }

    private Manifest put(Caller caller, byte[] bytes) {
        try {
            return store.put(caller.organisation(), new ByteArrayInputStream(bytes));
        } catch (QuotaExceededException e) {
            throw new RequestRefusedException(
                    Refusal.STORAGE_EXHAUSTED,
                    "quota-exceeded",
                    "Storage quota exceeded",
                    "Your organisation's storage quota does not allow this record.");
        } catch (IOException e) {
            LOG.warnf("storing a record of %s failed: %s", caller.organisation(), e.getMessage());
            throw new RequestRefusedException(
                    Refusal.UNAVAILABLE,
                    "storage-unavailable",
                    "Storage unavailable",
                    "Too few organisations' storage answers to store this record without any of them holding enough "
                            + "shards to rebuild it; nothing was stored. Retry later.");
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

    private static String encodeTags(Map<String, String> tags) {
        return tags.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n"));
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
        Map<String, String> tags = decodeTags(r.tags());
        return new RecordView(
                r.id(),
                r.organisation(),
                r.policy(),
                r.suite(),
                r.envelopeCid(),
                r.envelopeBytes(),
                r.rowsCid(),
                r.rowsBytes(),
                tags,
                r.signingKeyId(),
                r.createdAt(),
                r.ledgerIndex(),
                r.analyticsRows(),
                r.usedInStatistics(),
                resourceSummary(tags.get(UploadCheck.RESOURCES_TAG)),
                r.version(),
                r.recordOf(),
                r.previousId(),
                r.supersededBy());
    }

    /** The resource summary tag as type to count bucket (empty bucket when only types were disclosed). */
    private static Map<String, String> resourceSummary(String tag) {
        Map<String, String> summary = new TreeMap<>();
        if (tag != null) {
            for (String entry : tag.split(",")) {
                int colon = entry.indexOf(':');
                summary.put(colon < 0 ? entry : entry.substring(0, colon), colon < 0 ? "" : entry.substring(colon + 1));
            }
        }
        return summary;
    }

    private static String noteOn(RecordView record) {
        List<String> notes = new ArrayList<>();
        if (record.version() > 1) {
            notes.add("stored as version " + record.version() + " of record " + record.recordOf()
                    + " (same document); statistics and payouts count the record once, by its current version");
        }
        if (record.analyticsRows() != null && record.analyticsRows() == 0) {
            notes.add("stored without analytics rows: shared, but not used in statistics");
        }
        return notes.isEmpty() ? null : String.join("; ", notes);
    }
}
