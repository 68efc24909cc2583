package org.medshare.enclave.compute;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.enclave.keyrelease.QueryApproval;

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
    private final EnclaveHost worker;

    public StatisticsClient(EnclaveHost worker) {
        this.worker = Objects.requireNonNull(worker);
    }

    /**
     * Runs an approved query inside the worker.
     *
     * @param lateRevocations record ids whose consent was revoked after approval (may be empty)
     * @throws EnclaveCallException with the enclave's refusal code ({@code NO_KEY}, {@code
     *     KEY_FOR_OTHER_APPROVAL}, {@code APPROVAL_*}, {@code QUERY_REFUSED_<reason>}, …) and a safe message
     * @throws IOException if the enclave cannot be reached
     */
    public ComputeResult run(
            ApprovedQuery query, QueryApproval approval, List<InputRecord> records, Collection<String> lateRevocations)
            throws IOException, EnclaveCallException {
        byte[] response = worker.call(
                StatisticsService.NAME, new ComputeRequest(query, approval, records, lateRevocations).toBytes());
        try {
            return ComputeResult.parse(response);
        } catch (MalformedEncodingException | IllegalArgumentException e) {
            throw new IOException("malformed compute result from the enclave: " + e.getMessage());
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
