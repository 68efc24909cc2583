package org.medshare.client.upload;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Locale;
import org.medshare.abe.sign.UploadStatement;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.enclave.rows.BundleFormatException;
import org.medshare.enclave.rows.EncryptedRows;
import org.medshare.enclave.rows.RowExtraction;

/**
 * Uploads one FHIR R4 bundle file (JSON or XML, at most {@link #MAX_BUNDLE} bytes, checked before it is read):
 * encrypts it locally under the policy, extracts and encrypts its analytics rows (possibly none), signs the {@link UploadStatement} and sends the three parts. Resumable
 * without duplicates:
 * <ul>
 *   <li>the idempotency key is a hash of the policy and the file's bytes, so the record id is known before
 *       uploading;</li>
 *   <li>a record the service already shows is not encrypted again;</li>
 *   <li>the prepared bytes are spooled before sending and removed only once the service has answered, so a
 *       retry (same run or next run) repeats the identical statement, which the service replays.</li>
 * </ul>
 * Thread-safe: one instance serves all workers.
 */
public final class RecordUploader {
    /**
     * The largest bundle file uploaded: the service accepts envelopes of at most 16 MiB, and the envelope adds its
     * header, the policy and the ABE-wrapped key (a few KiB) to the bundle, so 64 KiB are kept for them. Checked
     * before the file is read or encrypted.
     */
    public static final long MAX_BUNDLE = (16L << 20) - (64L << 10);

    private static final int ATTEMPTS = 4;

    private final ServiceClient service;
    private final UploadPreparer preparer;
    private final Path spool;

    /**
     * @param preparer what prepares each bundle (the hospital's keys, the policy and tags)
     * @param spool directory for prepared uploads awaiting an answer (created by the caller, owner-only)
     */
    public RecordUploader(ServiceClient service, UploadPreparer preparer, Path spool) {
        this.service = service;
        this.preparer = preparer;
        this.spool = spool;
    }

    /** @see UploadPreparer#idempotencyKey */
    public static String idempotencyKey(String policy, byte[] bundle) {
        return UploadPreparer.idempotencyKey(policy, bundle);
    }

    /** Uploads {@code file} ({@link #prepare} then {@link #send}); never throws for a per-file problem. */
    public Outcome upload(Path file) {
        Step step = prepare(file);
        return step.done() != null ? step.done() : send(step);
    }

    /**
     * The first half of an upload, CPU-bound: reads the file, asks the service whether the record is already
     * there, else encrypts, signs and spools it (or takes the spooled bytes of an earlier attempt).
     *
     * @return a step whose {@link Step#done()} is the final outcome when nothing is left to send
     */
    Step prepare(Path file) {
        byte[] content;
        try {
            long size = Files.size(file);
            if (size > MAX_BUNDLE) {
                return Step.done(new Outcome(
                        file,
                        Outcome.Kind.REFUSED,
                        String.format(
                                Locale.ROOT,
                                "%.1f MiB is more than the service accepts (at most %d bytes per bundle file: split the Bundle)",
                                size / (double) (1 << 20),
                                MAX_BUNDLE),
                        null,
                        0,
                        0));
            }
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return Step.done(new Outcome(file, Outcome.Kind.REFUSED, "cannot read the file", null, 0, 0));
        }
        String key = idempotencyKey(preparer.policyText(), content);
        String recordId = UploadStatement.recordId(preparer.organisation(), key);
        Path spooled = spool.resolve(key + ".upload");
        long encryptNanos = 0;
        PreparedUpload prepared;
        Outcome.Content learned = null;
        try {
            prepared = Files.isRegularFile(spooled) ? PreparedUpload.read(spooled) : null;
            if (prepared != null) {
                learned = resumedContent(prepared);
            }
            if (prepared == null) {
                try {
                    service.get("/api/v1/records/" + recordId);
                    return Step.done(new Outcome(file, Outcome.Kind.ALREADY_UPLOADED, null, recordId, 0, 0));
                } catch (ServiceException e) {
                    if (e.status() != 404) {
                        return Step.done(failure(file, recordId, e, 0, 0));
                    }
                }
                long t0 = System.nanoTime();
                try {
                    UploadPreparer.Preparation p = preparer.prepareWithReport(content);
                    prepared = p.upload();
                    RowExtraction x = p.extraction();
                    learned = new Outcome.Content(
                            x.rows().size(),
                            x.skipped(),
                            x.noRowsReason(),
                            p.read().warnings(),
                            p.read().warningCount());
                } catch (BundleFormatException e) {
                    return Step.done(new Outcome(file, Outcome.Kind.REFUSED, e.getMessage(), recordId, 0, 0));
                } catch (IllegalArgumentException e) {
                    return Step.done(new Outcome(file, Outcome.Kind.REFUSED, e.getMessage(), recordId, 0, 0));
                }
                encryptNanos = System.nanoTime() - t0;
                prepared.write(spooled);
            }
        } catch (IOException e) {
            return Step.done(
                    new Outcome(file, Outcome.Kind.FAILED, "spool: " + e.getMessage(), recordId, encryptNanos, 0));
        } catch (GeneralSecurityException e) {
            return Step.done(
                    new Outcome(file, Outcome.Kind.REFUSED, "encryption or signing failed", recordId, encryptNanos, 0));
        }
        return new Step(file, recordId, spooled, prepared, learned, encryptNanos, null);
    }

    /** The second half, I/O-bound: posts a prepared step (retrying what may be retried) and clears its spool entry. */
    Outcome send(Step step) {
        Path file = step.file();
        String recordId = step.recordId();
        long encryptNanos = step.encryptNanos();
        long t1 = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode answer = service.postMultipart(
                                "/api/v1/records", step.prepared().multipart())
                        .json();
                Files.deleteIfExists(step.spooled());
                JsonNode record = answer.path("record");
                if (!recordId.equals(Json.text(record, "recordId"))) {
                    return new Outcome(
                            file,
                            Outcome.Kind.FAILED,
                            "the service answered for another record id",
                            recordId,
                            encryptNanos,
                            System.nanoTime() - t1);
                }
                Outcome.Kind kind = answer.path("replayed").asBoolean(false)
                        ? Outcome.Kind.ALREADY_UPLOADED
                        : Outcome.Kind.UPLOADED;
                Outcome.Stored stored = new Outcome.Stored(
                        record.path("version").asInt(1),
                        record.path("recordOf").asText(recordId),
                        record.path("analyticsRows").asLong(0));
                return new Outcome(
                        file, kind, null, recordId, encryptNanos, System.nanoTime() - t1, step.learned(), stored);
            } catch (ServiceException e) {
                if (e.retryable() && attempt < ATTEMPTS) {
                    sleep(250L << attempt);
                    continue;
                }
                if (e.status() >= 400 && e.status() < 500 && !e.retryable()) {
                    deleteQuietly(step.spooled());
                }
                return failure(file, recordId, e, encryptNanos, System.nanoTime() - t1);
            } catch (IOException e) {
                return new Outcome(
                        file,
                        Outcome.Kind.FAILED,
                        "spool: " + e.getMessage(),
                        recordId,
                        encryptNanos,
                        System.nanoTime() - t1);
            }
        }
    }

    /**
     * Between {@link #prepare} and {@link #send}: either a final outcome ({@code done}) or a spooled upload to post.
     */
    record Step(
            Path file,
            String recordId,
            Path spooled,
            PreparedUpload prepared,
            Outcome.Content learned,
            long encryptNanos,
            Outcome done) {
        static Step done(Outcome outcome) {
            return new Step(outcome.file(), outcome.recordId(), null, null, null, 0, outcome);
        }
    }

    /** What a spooled upload shows of its content: the row count its container states, nothing more. */
    private static Outcome.Content resumedContent(PreparedUpload prepared) {
        try {
            int rows = (int) EncryptedRows.parse(prepared.rows()).rowCount();
            return new Outcome.Content(rows, List.of(), rows == 0 ? "none in the spooled upload" : null, List.of(), 0);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Outcome failure(Path file, String recordId, ServiceException e, long enc, long send) {
        boolean refused = e.status() >= 400 && e.status() < 500 && !e.retryable();
        return new Outcome(
                file, refused ? Outcome.Kind.REFUSED : Outcome.Kind.FAILED, e.getMessage(), recordId, enc, send);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next run finds it and asks the service again
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
