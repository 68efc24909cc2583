package org.medshare.ledger.verify;

import java.util.HexFormat;
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
 * @param contract the incentive contract as re-executed from the ledger's CONTRACT_CALL entries, or null
 *                 when the verification stopped before the replay or the ledger deploys no contract
 */
public record VerificationReport(
        boolean ok,
        long entries,
        int checkpoints,
        long coveredEntries,
        String failure,
        long failedEntry,
        String failedSegment,
        List<String> notes,
        Contract contract) {
    public VerificationReport {
        notes = List.copyOf(notes);
    }

    /** A report of success after {@code checkpoints} checkpoints covering {@code coveredEntries} of {@code entries}. */
    public static VerificationReport passed(
            long entries, int checkpoints, long coveredEntries, List<String> notes, Contract contract) {
        return new VerificationReport(true, entries, checkpoints, coveredEntries, null, -1, null, notes, contract);
    }

    /** A report of {@code failure}, blaming entry {@code failedEntry} (or -1) in {@code failedSegment} (or null). */
    public static VerificationReport failed(
            long entries,
            int checkpoints,
            long coveredEntries,
            String failure,
            long failedEntry,
            String failedSegment,
            List<String> notes) {
        return new VerificationReport(
                false, entries, checkpoints, coveredEntries, failure, failedEntry, failedSegment, notes, null);
    }

    /** This report's counts, failed with {@code failure} that blames {@code failedEntry} in {@code failedSegment}. */
    public VerificationReport failedWith(String failure, long failedEntry, String failedSegment, List<String> notes) {
        return failed(entries, checkpoints, coveredEntries, failure, failedEntry, failedSegment, notes);
    }

    /**
     * The replayed contract.
     *
     * @param calls     CONTRACT_CALL entries re-executed (the deployment included)
     * @param payments  PAYMENT entries matched to the contract's payouts
     * @param stateRoot hex EVM state root after the last call (equal to the one recorded with it)
     * @param balances  every account the calls touched, recomputed from genesis
     */
    public record Contract(long calls, long payments, String stateRoot, List<ContractReplay.Balance> balances) {
        public Contract {
            balances = List.copyOf(balances);
        }

        static Contract of(ContractReplay replay) {
            return new Contract(
                    replay.calls(), replay.payments(), HexFormat.of().formatHex(replay.stateRoot()), replay.balances());
        }
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
