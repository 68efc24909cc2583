package org.medshare.enclave.compute;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.Set;
import org.medshare.enclave.Hex;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.attest.AttestationEvidence;
import org.medshare.enclave.attest.AttestationException;
import org.medshare.enclave.attest.AttestationException.Reason;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.VerifiedEnclave;
import org.medshare.enclave.compute.ResultVerificationException.Check;

/**
 * Checks a stored query result offline, with nothing but a pinned attestation root and enclave constraint (a
 * trust file): the worker's recorded quote, the measurement it reports, the enclave's signatures on the result
 * and the bytes of the result itself. Pure; no network, no host.
 *
 * <p>Security guarantees, when {@link #verify} returns: the quote was signed by an attestation key chaining to
 * the pinned root; its enclave identity satisfies the pinned constraint (for the worker trust file: exactly the
 * worker's MRENCLAVE, the vendor's MRSIGNER, product and minimum SVN); its report data binds the presented
 * public keys and the recorded nonce; {@code signingKey} is the Ed25519 key among them; the {@link
 * ComputeResult}'s two signatures verify under that key and name the quoted identity and {@code queryId}; and
 * {@code resultJson} is byte for byte the result the enclave signed (so its SHA-256 is the signed result hash).
 * It does not prove when the quote was made (the nonce was the recorder's) nor that the result was logged:
 * the ledger check is separate.
 */
public final class ResultVerifier {
    private static final Set<Reason> IDENTITY_REASONS =
            EnumSet.of(Reason.CODE_HASH, Reason.SIGNER, Reason.PRODUCT_ID, Reason.SVN_TOO_LOW, Reason.TCB_LEVEL);

    private ResultVerifier() {}

    /** What a successful verification established. */
    public record Verified(VerifiedEnclave enclave, ComputeResult result) {}

    /**
     * Runs the checks in order: quote, measurement, signature, result hash.
     *
     * @param verifier      built from the pinned trust (root and constraint)
     * @param queryId       the query the result is claimed for
     * @param evidence      the recorded {@link AttestationEvidence} encoding
     * @param nonce         the nonce the recorder challenged the enclave with
     * @param signingKey    the claimed result-signing key (X.509 SubjectPublicKeyInfo encoding)
     * @param computeResult the enclave's {@link ComputeResult} encoding
     * @param resultJson    the result shown to the reader
     * @param resultHashHex the result hash shown to the reader (hex), or null if none is shown
     * @throws ResultVerificationException naming the first check that failed
     */
    public static Verified verify(
            QuoteVerifier verifier,
            String queryId,
            byte[] evidence,
            byte[] nonce,
            byte[] signingKey,
            byte[] computeResult,
            byte[] resultJson,
            String resultHashHex)
            throws ResultVerificationException {
        AttestationEvidence parsed;
        try {
            parsed = AttestationEvidence.parse(evidence);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ResultVerificationException(Check.QUOTE, "the attestation evidence does not parse");
        }
        VerifiedEnclave enclave;
        try {
            enclave = verifier.verifyRecorded(
                    parsed.quote(), nonce, parsed.publicKeys().toBytes());
        } catch (AttestationException e) {
            boolean identity = IDENTITY_REASONS.contains(e.reason());
            String detail = e.getMessage().substring(e.reason().name().length() + 2);
            throw new ResultVerificationException(
                    identity ? Check.MEASUREMENT : Check.QUOTE,
                    identity ? detail + " (not an approved measurement of the pinned trust)" : detail);
        }
        byte[] boundSigningKey;
        try {
            boundSigningKey = parsed.publicKeys().signingKey().getEncoded();
        } catch (GeneralSecurityException e) {
            throw new ResultVerificationException(Check.QUOTE, "the quoted public keys do not parse");
        }
        if (!MessageDigest.isEqual(boundSigningKey, signingKey)) {
            throw new ResultVerificationException(
                    Check.SIGNATURE, "the result-signing key is not the key the quote binds");
        }
        ComputeResult result;
        try {
            result = ComputeResult.parse(computeResult);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new ResultVerificationException(Check.SIGNATURE, "the signed result does not parse");
        }
        try {
            result.verify(enclave);
        } catch (GeneralSecurityException e) {
            throw new ResultVerificationException(
                    Check.SIGNATURE, "the result is not signed by the attested worker's key");
        }
        if (!result.queryId().equals(queryId)) {
            throw new ResultVerificationException(
                    Check.SIGNATURE, "the enclave signed this result for another query, " + result.queryId());
        }
        byte[] signedHash = result.resultHash();
        if (!MessageDigest.isEqual(Sha256.hash(resultJson), signedHash)) {
            throw new ResultVerificationException(
                    Check.RESULT_HASH, "the result differs from the one the enclave signed");
        }
        if (resultHashHex != null && !Hex.of(signedHash).equalsIgnoreCase(resultHashHex)) {
            throw new ResultVerificationException(
                    Check.RESULT_HASH, "the stated result hash is not the hash the enclave signed");
        }
        return new Verified(enclave, result);
    }
}
