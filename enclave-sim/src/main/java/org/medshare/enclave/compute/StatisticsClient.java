package org.medshare.enclave.compute;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.stats.CandidateRecord;

/**
 * Host-side driver of the {@value StatisticsService#NAME} service in a worker enclave. The host
 * relays bytes only: encrypted records in, signed aggregates out; it never holds a key or a row.
 *
 * <p>Typical use (after {@code KeyAuthorityClient.releaseTo(worker, approval, approvalLogged)} installed the key):
 *
 * <pre>{@code
 * StatisticsClient stats = new StatisticsClient(worker);
 * VerifiedEnclave attested = stats.attest(workerVerifier);          // quote checked by the caller's policy
 * ComputeResult r = stats.run(approvedQuery, approval, records, Set.of());
 * StatisticsClient.verify(r, attested);                             // or verify(r, signingKey)
 * }</pre>
 */
public final class StatisticsClient {
    /** Records per batch {@link #run} sends. */
    static final int BATCH = 256;

    private final EnclaveHost worker;

    public StatisticsClient(EnclaveHost worker) {
        this.worker = Objects.requireNonNull(worker);
    }

    /**
     * Runs an approved query inside the worker over {@code records}, all at once: {@link #start}, the admitted
     * records in the order the enclave asks for them, in batches, then {@link Run#finish()}.
     *
     * @param lateRevocations record ids whose consent was revoked after approval (may be empty)
     * @throws EnclaveCallException with the enclave's refusal code ({@code NO_KEY}, {@code
     *     KEY_FOR_OTHER_APPROVAL}, {@code APPROVAL_*}, {@code QUERY_REFUSED_<reason>}, …) and a safe message
     * @throws IOException if the enclave cannot be reached
     */
    public ComputeResult run(
            ApprovedQuery query, QueryApproval approval, List<InputRecord> records, Collection<String> lateRevocations)
            throws IOException, EnclaveCallException {
        Map<String, InputRecord> byId = new HashMap<>();
        List<CandidateRecord> candidates = new ArrayList<>(records.size());
        for (InputRecord r : records) {
            byId.put(r.recordId(), r);
            candidates.add(new CandidateRecord(r.recordId(), r.hospitalId()));
        }
        Run run = start(query, approval, candidates, lateRevocations);
        List<String> admitted = run.admitted();
        for (int from = 0; from < admitted.size(); from += BATCH) {
            run.add(admitted.subList(from, Math.min(admitted.size(), from + BATCH)).stream()
                    .map(byId::get)
                    .toList());
        }
        return run.finish();
    }

    /**
     * Starts an approved query inside the worker over the records {@code candidates} name; their rows follow with
     * {@link Run#add}, in the order {@link Run#admitted()} gives, so that no side needs every record in memory at once.
     *
     * @param lateRevocations record ids whose consent was revoked after approval (may be empty)
     * @throws EnclaveCallException with the enclave's refusal code, as {@link #run}
     * @throws IOException if the enclave cannot be reached or answers malformed
     */
    public Run start(
            ApprovedQuery query,
            QueryApproval approval,
            List<CandidateRecord> candidates,
            Collection<String> lateRevocations)
            throws IOException, EnclaveCallException {
        byte[] response = worker.call(
                StatisticsService.NAME,
                new ComputeRequest.Start(query, approval, candidates, lateRevocations).toBytes());
        try {
            WireReader r = WireReader.versioned(response, 1, "compute start answer");
            int n = r.i32();
            if (n < 0 || n > candidates.size()) {
                throw new MalformedEncodingException("impossible admitted count " + n);
            }
            List<String> admitted = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                admitted.add(r.utf8());
            }
            r.expectEnd();
            return new Run(approval.hash(), admitted);
        } catch (MalformedEncodingException e) {
            throw new IOException("malformed compute start answer from the enclave: " + e.getMessage());
        }
    }

    /** A query run started in the worker ({@link #start}). */
    public final class Run {
        private final byte[] approvalHash;
        private final List<String> admitted;

        private Run(byte[] approvalHash, List<String> admitted) {
            this.approvalHash = approvalHash;
            this.admitted = List.copyOf(admitted);
        }

        /** The ids of the records the enclave admitted, in the order it wants their rows. */
        public List<String> admitted() {
            return admitted;
        }

        /**
         * Hands the enclave its next records ({@link ComputeRequest#MAX_BATCH} at most), which it decrypts and
         * aggregates at once; it keeps no ciphertext.
         *
         * @throws EnclaveCallException {@code QUERY_REFUSED_INPUT_INVALID} for records out of order or altered (the run
         *     is over), {@code NO_RUN} when the enclave no longer has it
         */
        public void add(List<InputRecord> batch) throws IOException, EnclaveCallException {
            worker.call(StatisticsService.NAME, new ComputeRequest.Batch(approvalHash, batch).toBytes());
        }

        /** Ends the run: the enclave releases and signs the result. */
        public ComputeResult finish() throws IOException, EnclaveCallException {
            byte[] response = worker.call(StatisticsService.NAME, new ComputeRequest.Finish(approvalHash).toBytes());
            try {
                return ComputeResult.parse(response);
            } catch (MalformedEncodingException | IllegalArgumentException e) {
                throw new IOException("malformed compute result from the enclave: " + e.getMessage());
            }
        }
    }

    /**
     * Attests the worker for a fresh nonce of {@code verifier} and returns what the quote proves
     * (identity and the bound keys, among them the result signing key).
     *
     * @throws AttestationException if the quote does not satisfy the verifier's constraint
     */
    public VerifiedEnclave attest(QuoteVerifier verifier)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        byte[] nonce = verifier.newNonce();
        AttestationEvidence evidence = worker.attest(nonce);
        return evidence.verify(verifier, nonce);
    }

    /**
     * Like {@link #attest(QuoteVerifier)}, and also returns the evidence and the nonce, so that the quote can be
     * stored with a result and checked again by others ({@link ResultVerifier}).
     */
    public RecordedAttestation attestRecorded(QuoteVerifier verifier)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        byte[] nonce = verifier.newNonce();
        AttestationEvidence evidence = worker.attest(nonce);
        return new RecordedAttestation(evidence.verify(verifier, nonce), nonce, evidence);
    }

    /** The result signing key that a verified quote binds. */
    public static PublicKey signingKeyOf(VerifiedEnclave enclave) throws GeneralSecurityException {
        return EnclavePublicKeys.parse(enclave.boundPublicKey()).signingKey();
    }

    /** Pure check of both signatures; see {@link ComputeResult#verify(PublicKey)}. */
    public static void verify(ComputeResult result, PublicKey enclaveSigningKey) throws GeneralSecurityException {
        result.verify(enclaveSigningKey);
    }

    /** Signatures and identity against a verified quote; see {@link ComputeResult#verify(VerifiedEnclave)}. */
    public static void verify(ComputeResult result, VerifiedEnclave enclave) throws GeneralSecurityException {
        result.verify(enclave);
    }
}
