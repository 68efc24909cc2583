package org.medshare.ledger.verify;

import java.util.List;

/**
 * The outcome of an offline ledger verification. When {@link #ok()} is false, {@link #failure()}
 * says what failed and, where one entry is to blame, {@link #failedEntry()} and
 * {@link #failedSegment()} name it.
 *
 * @param ok true iff every check passed
 * @param entries valid entries read from the segments
 * @param checkpoints checkpoints read (each verified for signatures, quorum, and root)
 * @param coveredEntries entries covered by the last verified checkpoint
 * @param failure one-line reason, or null when ok
 * @param failedEntry the entry index to blame, or -1
 * @param failedSegment the file to blame, or null
 * @param notes informational lines (e.g. entries not yet covered by a checkpoint)
 */
public record VerificationReport(boolean ok, long entries, int checkpoints, long coveredEntries, String failure,
                                 long failedEntry, String failedSegment, List<String> notes) {
    public VerificationReport {
        notes = List.copyOf(notes);
    }

    /** One line for a terminal. */
    public String summary() {
        if (ok) {
            return "OK: " + entries + " entries, " + checkpoints + " checkpoints verified, " + coveredEntries
                    + " entries covered by the latest signed checkpoint";
        }
        return "FAILED: " + failure;
    }
}
