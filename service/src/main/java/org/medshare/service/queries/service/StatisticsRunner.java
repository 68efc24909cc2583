package org.medshare.service.queries.service;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.medshare.enclave.stats.DisclosureLimits;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;

/**
 * Runs an approved query inside the attested enclave. The host passes ciphertext and the approval state;
 * the enclave decrypts, computes and signs. Implemented by the enclave wiring.
 */
public interface StatisticsRunner {

    /** One input record: its id and the uploading hospital's number. */
    record Input(String recordId, int hospitalNumber) {}

    /** Reads a record's encrypted analytics rows from the store when the enclave asks for them (ciphertext only). */
    @FunctionalInterface
    interface RowsSource {
        byte[] encryptedRows(String recordId);
    }

    /**
     * What the enclave needs besides the records.
     *
     * @param queryId         the query's id (the key released to the enclave is bound to it)
     * @param queryHash       SHA-256 of the request JSON, hex
     * @param templateJson    the approved template
     * @param requestJson     the insurer's request
     * @param approval        the regulator's signed approval ({@code QueryApproval}) exactly as it sent it: it names
     *                        the purpose attributes the released key carries
     * @param approvalLogged  the receipt of the query's QUERY_APPROVED event under a final checkpoint, which the key
     *                        authority checks before it releases the key
     * @param permittedHospitals the numbers of the hospitals whose data-use rules let this template read their
     *                        records (by id, every template of the purpose, or exactly this content)
     * @param revokedRecords  record ids whose consent was revoked
     * @param consentDeniedRecords record ids whose patients' consent provisions deny the query's purpose of use or
     *                        recipient (the enclave drops them itself)
     * @param consentDigest   hex SHA-256 over the consent ids and versions the consent decision read
     * @param epsilonBudgetMicros what the insurer may still spend, including this query's charge
     * @param disclosure      the hospitals' own disclosure limits, by hospital number
     */
    record Job(
            String queryId,
            String queryHash,
            String templateJson,
            String requestJson,
            byte[] approval,
            LedgerReceipt approvalLogged,
            SortedSet<Integer> permittedHospitals,
            Set<String> revokedRecords,
            SortedSet<String> consentDeniedRecords,
            String consentDigest,
            long epsilonBudgetMicros,
            DisclosureLimits disclosure) {
        public Job {
            permittedHospitals = Collections.unmodifiableSortedSet(new TreeSet<>(permittedHospitals));
            consentDeniedRecords = Collections.unmodifiableSortedSet(new TreeSet<>(consentDeniedRecords));
        }
    }

    /**
     * The enclave's answer.
     *
     * @param resultJson    canonical result (aggregates only)
     * @param resultHash    SHA-256 of {@code resultJson}, hex
     * @param signature     base64 signature by the enclave's attested key
     * @param measurement   the enclave's MRENCLAVE, hex
     * @param inputRecordIds the records actually used (after consent and data-use filtering)
     * @param inputRoot     Merkle root of the input record ids, hex
     * @param mode          attestation mode, always {@code SIMULATED} here
     * @param attestation   what lets a reader check the result later without the service
     */
    record Outcome(
            String resultJson,
            String resultHash,
            String signature,
            String measurement,
            List<String> inputRecordIds,
            String inputRoot,
            String mode,
            Attestation attestation) {}

    /**
     * The worker's recorded attestation and its signed result, all base64: the evidence (quote and the public
     * keys its report data binds), the nonce the host challenged the worker with, the worker's result-signing
     * key (X.509 SubjectPublicKeyInfo) and the enclave's signed compute result (its two signatures over the
     * result and the query it was computed for).
     */
    record Attestation(String evidence, String nonce, String signingKey, String computeResult) {}

    /** Raised when the enclave refuses the query; the reason is safe to show the insurer. */
    final class RefusedException extends Exception {
        public RefusedException(String reason) {
            super(reason);
        }
    }

    /**
     * Runs {@code job} over {@code records}: the enclave says which of them it admits, and their rows are read from
     * {@code rows} and handed over in bounded batches, so that memory does not grow with the number of records.
     */
    Outcome run(Job job, List<Input> records, RowsSource rows) throws RefusedException;
}
