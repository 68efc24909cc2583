package org.medshare.client.upload;

import java.nio.file.Path;
import java.util.List;
import org.medshare.enclave.rows.RowExtraction;

/**
 * What happened to one bundle file.
 *
 * @param file           the bundle
 * @param kind           the result
 * @param reason         one line for {@link Kind#REFUSED} and {@link Kind#FAILED}, else null
 * @param recordId       the record id (null if the file could not be read)
 * @param encryptNanos   time spent extracting, encrypting and signing (0 when nothing was encrypted)
 * @param sendNanos      time spent waiting for the service's upload answers
 * @param content        what the hospital learned from the bundle (null when it was not read or was resumed from an
 *                       earlier run's spool without it)
 * @param stored         what the service says it stored (null unless uploaded or already uploaded with an answer)
 */
public record Outcome(
        Path file,
        Kind kind,
        String reason,
        String recordId,
        long encryptNanos,
        long sendNanos,
        Content content,
        Stored stored) {

    /** An outcome without content or service answer. */
    public Outcome(Path file, Kind kind, String reason, String recordId, long encryptNanos, long sendNanos) {
        this(file, kind, reason, recordId, encryptNanos, sendNanos, null, null);
    }

    /** The result of one file. */
    public enum Kind {
        /** Stored by this run. */
        UPLOADED,
        /** The service already had it (a previous run, or a replayed retry). */
        ALREADY_UPLOADED,
        /** Refused for good (by the service with a 4xx problem, or locally: not a FHIR R4 Bundle, too large). */
        REFUSED,
        /** Not confirmed (network or server error); the next run resumes it without duplicating. */
        FAILED
    }

    /**
     * What the hospital learned from a bundle while preparing it.
     *
     * @param rows         analytics rows extracted
     * @param skipped      rows not extracted, with the reason
     * @param noRowsReason why there are no rows (null when there are)
     * @param warnings     the FHIR parser's first warnings
     * @param warningCount how many warnings there were in all
     */
    public record Content(
            int rows, List<RowExtraction.Skip> skipped, String noRowsReason, List<String> warnings, int warningCount) {
        public Content {
            skipped = List.copyOf(skipped);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The service's account of a stored record.
     *
     * @param version          1 for a new record; n when the upload became version n of an earlier upload of the same
     *                         document
     * @param recordOf         the record id of the document's first version (equal to the record id for version 1)
     * @param analyticsRows    rows the service holds for it (0: shared, but not used in statistics)
     */
    public record Stored(int version, String recordOf, long analyticsRows) {}
}
