package org.medshare.enclave.host;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.KeyAuthorityService;
import org.medshare.enclave.keyrelease.KeyRelease;
import org.medshare.enclave.keyrelease.KeyReleaseRecord;
import org.medshare.enclave.keyrelease.KeyReleaseRequest;
import org.medshare.enclave.keyrelease.KeyRequesterService;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.keyrelease.UserKeyIssue;
import org.medshare.enclave.ledger.LedgerProof;

/**
 * Host-side driver of the key-release flow between a key-authority enclave and a worker enclave.
 * The host only relays: it never sees the master key or a user key, only public parameters, the
 * sealed master key blob (which it stores), ciphertext and the KEY_ISSUED record.
 */
public final class KeyAuthorityClient {
    private final EnclaveHost authority;

    public KeyAuthorityClient(EnclaveHost authority) {
        this.authority = authority;
    }

    /** Result of setup: publish the parameters, store the sealed master key for {@link #load}. */
    public record SetupResult(PublicParameters publicParameters, byte[] sealedMasterKey) {}

    /** FAME setup inside the authority enclave. */
    public SetupResult setup(Suite suite) throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader r = new WireReader(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter().u8(KeyAuthorityService.SETUP).u8(suite.id()).toByteArray()));
        return r.end(new SetupResult(PublicParameters.parse(r.bytes()), r.bytes()));
    }

    /** Restores the master key from its sealed blob (after a restart or an upgrade). */
    public PublicParameters load(byte[] sealedMasterKey)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        return parseParams(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter()
                        .u8(KeyAuthorityService.LOAD)
                        .bytes(sealedMasterKey)
                        .toByteArray()));
    }

    /** The master key sealed under the authority's current SVN (store it after an upgrade). */
    public byte[] reseal() throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader r =
                new WireReader(authority.call(KeyAuthorityService.NAME, new byte[] {KeyAuthorityService.RESEAL}));
        byte[] sealed = r.bytes();
        r.expectEnd();
        return sealed;
    }

    public PublicParameters publicParameters() throws IOException, EnclaveCallException, GeneralSecurityException {
        return parseParams(authority.call(KeyAuthorityService.NAME, new byte[] {KeyAuthorityService.PARAMS}));
    }

    /**
     * Fetches the public parameters vouched for by an attested authority: the authority's quote
     * must satisfy {@code authorityVerifier} (for {@code authorityVerifier}'s fresh nonce) and the
     * parameters must carry a signature by the signing key that quote binds. Hospitals should
     * encrypt only under parameters obtained this way, so a host cannot substitute its own.
     *
     * @throws org.medshare.enclave.attest.AttestationException if the authority is not accepted
     * @throws java.security.SignatureException if the parameters are not signed by that enclave
     */
    public PublicParameters attestedPublicParameters(QuoteVerifier authorityVerifier)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        byte[] nonce = authorityVerifier.newNonce();
        AttestedParameters a = attestedParameters(nonce);
        return AuthorityTrust.verifyParameters(authorityVerifier, nonce, a.evidence(), a.parameters(), a.signature());
    }

    /**
     * The authority's answer to a remote verifier's nonce, unverified: the host relays it to a client that
     * checks it with {@link AuthorityTrust#verifyParameters}.
     *
     * @param evidence   the authority's {@link AttestationEvidence} for the nonce
     * @param parameters the public parameters (versioned binary)
     * @param signature  Ed25519 by the attested key over {@link KeyAuthority#paramsSigningInput}
     */
    public record AttestedParameters(byte[] evidence, byte[] parameters, byte[] signature) {}

    /** Asks the authority to attest for {@code nonce} (32 bytes, chosen by the remote verifier) and sign its parameters. */
    public AttestedParameters attestedParameters(byte[] nonce)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader r = new WireReader(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter()
                        .u8(KeyAuthorityService.ATTESTED_PARAMS)
                        .bytes(nonce)
                        .toByteArray()));
        return r.end(new AttestedParameters(r.bytes(), r.bytes(), r.bytes()));
    }

    /**
     * The authority's answer to a clinician's key request, unverified: the host relays it; the clinician checks
     * {@code evidence} for its own nonce, the signature of {@code issue} by the attested key, and unwraps.
     */
    public record IssuedUserKey(byte[] evidence, UserKeyIssue issue) {}

    /**
     * Asks the authority to issue the user key {@code grant} allows, attesting for the clinician's {@code nonce};
     * {@code logged} proves the grant's KEY_ISSUED event under a final ledger checkpoint.
     *
     * @throws EnclaveCallException with a {@code KEY_RELEASE_*} code if the authority refuses the grant
     */
    public IssuedUserKey issueUserKey(UserKeyGrant grant, byte[] nonce, LedgerProof logged)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader r = new WireReader(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter()
                        .u8(KeyAuthorityService.ISSUE_USER_KEY)
                        .bytes(grant.toBytes())
                        .bytes(nonce)
                        .bytes(logged.toBytes())
                        .toByteArray()));
        return r.end(new IssuedUserKey(r.bytes(), UserKeyIssue.parse(r.bytes())));
    }

    /**
     * Shows the authority the regulator's raise of the attribute epoch that {@code raised} proves (an EPOCH_RAISED
     * event under a final ledger checkpoint), so that it issues clinician keys for that epoch from now on.
     *
     * @return the authority's current epoch afterwards
     * @throws EnclaveCallException KEY_RELEASE_NOT_ON_LEDGER or KEY_RELEASE_LEDGER_EVENT_MISMATCH for a proof it refuses
     */
    public String observeEpoch(LedgerProof raised) throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader r = new WireReader(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter()
                        .u8(KeyAuthorityService.EPOCH)
                        .bytes(raised.toBytes())
                        .toByteArray()));
        return r.end(r.utf8());
    }

    private static PublicParameters parseParams(byte[] response) throws GeneralSecurityException {
        WireReader r = new WireReader(response);
        PublicParameters pp = PublicParameters.parse(r.bytes());
        r.expectEnd();
        return pp;
    }

    /**
     * Runs the whole flow for one approved query: authority nonce → worker quote → authority
     * verification (of the quote, the approval and {@code approvalLogged}, the proof that the query's
     * QUERY_APPROVED event is under a final ledger checkpoint) and wrapping → installation inside the worker. Returns the release (ciphertext,
     * record, authority signature); its {@link KeyRelease#record()} is what the service appends to
     * the ledger as KEY_ISSUED.
     *
     * @throws EnclaveCallException with a {@code KEY_RELEASE_*} code if the authority refuses (for
     *     example KEY_RELEASE_ATTESTATION_REFUSED for a tampered worker) or the worker cannot unwrap
     */
    public KeyRelease releaseTo(EnclaveHost worker, QueryApproval approval, LedgerProof approvalLogged)
            throws IOException, EnclaveCallException, GeneralSecurityException {
        WireReader nr =
                new WireReader(authority.call(KeyAuthorityService.NAME, new byte[] {KeyAuthorityService.NONCE}));
        byte[] nonce = nr.bytes();
        nr.expectEnd();
        KeyReleaseRequest request = new KeyReleaseRequest(nonce, worker.attest(nonce), approval, approvalLogged);
        KeyRelease release = KeyRelease.parse(authority.call(
                KeyAuthorityService.NAME,
                new WireWriter()
                        .u8(KeyAuthorityService.RELEASE)
                        .bytes(request.toBytes())
                        .toByteArray()));
        KeyReleaseRecord installed = KeyReleaseRecord.parse(worker.call(
                KeyRequesterService.NAME,
                new WireWriter().bytes(release.toBytes()).toByteArray()));
        if (!Arrays.equals(installed.hash(), release.record().hash())) {
            throw new GeneralSecurityException("worker installed a different record than the authority issued");
        }
        return release;
    }
}
