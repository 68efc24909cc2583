package org.medshare.service.records.persistence;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An emergency ("break-glass") release in the regulator's review queue.
 *
 * @param ledgerIndex  the BREAK_GLASS event's index: the case's id
 * @param accessIndex  the index of the ACCESS event of the same release
 * @param recordId     the record released
 * @param owner        the organisation that uploaded it
 * @param clinician    who received it, {@code organisation:subject}
 * @param organisation the recipient's organisation
 * @param reason       the clinician's written reason (the ledger holds only its salted hash)
 * @param reasonSalt   hex salt of the event's {@code REASON_HASH}: SaltedHash("reason", salt, UTF-8 reason)
 * @param accessedAt   when it was released
 * @param reviewedBy   the regulator who reviewed it ({@code organisation:subject}), or null while it waits
 * @param reviewedAt   when, or null
 * @param reviewNote   the regulator's note, or null
 */
public record BreakGlassCase(
        long ledgerIndex,
        long accessIndex,
        String recordId,
        String owner,
        String clinician,
        String organisation,
        String reason,
        String reasonSalt,
        Instant accessedAt,
        @Schema(nullable = true) String reviewedBy,
        @Schema(nullable = true) Instant reviewedAt,
        @Schema(nullable = true) String reviewNote) {}
