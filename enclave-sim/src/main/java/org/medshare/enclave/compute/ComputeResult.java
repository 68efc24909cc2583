package org.medshare.enclave.compute;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SignatureException;
import java.util.Arrays;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.EnclavePublicKeys;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.VerifiedEnclave;

/**
 * What the worker enclave returns for one query: the statistics result (the canonical JSON of
 * {@code StatisticsResult}, QUERY.md §Result), and two Ed25519 signatures (RFC 8032) by the
 * enclave's attested session signing key:
 *
 * <ul>
 *   <li>{@link #resultSignature()} over {@code "medshare-stats-result-v1\n" ‖ resultJson}, the
 *       signature QUERY.md specifies for a result;
 *   <li>{@link #statementSignature()} over the compute statement {@link #statementBytes()}, which
 *       binds the result hash to the query id, the approval and approved-query hashes and the
 *       enclave's identity (MRENCLAVE, MRSIGNER, product id, SVN) — what the service puts in the
 *       COMPUTE ledger event.
 * </ul>
 *
 * <p>Nothing here is secret. Verification ({@link #verify(PublicKey)}) is pure; the public key
 * must come from a verified quote ({@link #verify(VerifiedEnclave)}), never from the host.
 *
 * <p>Encoding v1: u8 1, utf8 queryId, 32 approvalHash, 32 queryHash, 32 mrenclave, 32 mrsigner,
 * u16 productId, u16 svn, bytes resultJson, bytes resultSignature, bytes statementSignature.
 * Statement: utf8 "medshare.compute-result.v1", utf8 queryId, 32 approvalHash, 32 queryHash, 32
 * mrenclave, 32 mrsigner, u16 productId, u16 svn, 32 SHA-256(resultJson).
 */
public final class ComputeResult {
    static final String STATEMENT_DOMAIN = "medshare.compute-result.v1";
    static final byte[] RESULT_PREFIX = "medshare-stats-result-v1\n".getBytes(StandardCharsets.US_ASCII);

    private final String queryId;
    private final byte[] approvalHash;
    private final byte[] queryHash;
    private final byte[] mrenclave;
    private final byte[] mrsigner;
    private final int productId;
    private final int svn;
    private final byte[] resultJson;
    private final byte[] resultSignature;
    private final byte[] statementSignature;

    ComputeResult(
            String queryId,
            byte[] approvalHash,
            byte[] queryHash,
            byte[] mrenclave,
            byte[] mrsigner,
            int productId,
            int svn,
            byte[] resultJson,
            byte[] resultSignature,
            byte[] statementSignature) {
        this.queryId = queryId;
        this.approvalHash = check32(approvalHash);
        this.queryHash = check32(queryHash);
        this.mrenclave = check32(mrenclave);
        this.mrsigner = check32(mrsigner);
        this.productId = productId;
        this.svn = svn;
        this.resultJson = resultJson.clone();
        this.resultSignature = resultSignature.clone();
        this.statementSignature = statementSignature.clone();
    }

    private static byte[] check32(byte[] b) {
        if (b.length != 32) {
            throw new IllegalArgumentException("hash must be 32 bytes");
        }
        return b.clone();
    }

    /** The statement the enclave signs (see class comment). */
    public byte[] statementBytes() {
        return statement(
                queryId, approvalHash, queryHash, mrenclave, mrsigner, productId, svn, Sha256.hash(resultJson));
    }

    static byte[] statement(
            String queryId,
            byte[] approvalHash,
            byte[] queryHash,
            byte[] mrenclave,
            byte[] mrsigner,
            int productId,
            int svn,
            byte[] resultHash) {
        WireWriter w = new WireWriter().utf8(STATEMENT_DOMAIN);
        return identify(w, queryId, approvalHash, queryHash, mrenclave, mrsigner, productId, svn)
                .fixed(resultHash)
                .toByteArray();
    }

    /** Writes what the statement and the encoding share: the query and the enclave that computed it. */
    private static WireWriter identify(
            WireWriter w,
            String queryId,
            byte[] approvalHash,
            byte[] queryHash,
            byte[] mrenclave,
            byte[] mrsigner,
            int productId,
            int svn) {
        return w.utf8(queryId)
                .fixed(approvalHash)
                .fixed(queryHash)
                .fixed(mrenclave)
                .fixed(mrsigner)
                .u16(productId)
                .u16(svn);
    }

    static byte[] resultSigningInput(byte[] resultJson) {
        byte[] out = Arrays.copyOf(RESULT_PREFIX, RESULT_PREFIX.length + resultJson.length);
        System.arraycopy(resultJson, 0, out, RESULT_PREFIX.length, resultJson.length);
        return out;
    }

    /**
     * Checks both signatures with {@code enclaveSigningKey}.
     *
     * @throws SignatureException if either signature does not verify (any changed byte of the
     *     result, the statement or a signature)
     */
    public void verify(PublicKey enclaveSigningKey) throws GeneralSecurityException {
        if (!Ed25519.verifies(enclaveSigningKey, resultSigningInput(resultJson), resultSignature)
                || !Ed25519.verifies(enclaveSigningKey, statementBytes(), statementSignature)) {
            throw new SignatureException("compute result is not signed by this enclave key");
        }
    }

    /**
     * Checks that the result comes from {@code enclave} (a quote the caller verified): the identity
     * in the result is the quote's and both signatures verify under the signing key the quote binds.
     *
     * @throws SignatureException if the measurement, signer, product or SVN differ, or a signature fails
     */
    public void verify(VerifiedEnclave enclave) throws GeneralSecurityException {
        if (!Arrays.equals(mrenclave, enclave.identity().mrenclave())
                || !Arrays.equals(mrsigner, enclave.identity().mrsigner())
                || productId != enclave.identity().productId()
                || svn != enclave.identity().svn()) {
            throw new SignatureException("compute result names another enclave than the attested one");
        }
        verify(EnclavePublicKeys.parse(enclave.boundPublicKey()).signingKey());
    }

    public byte[] toBytes() {
        return identify(new WireWriter().u8(1), queryId, approvalHash, queryHash, mrenclave, mrsigner, productId, svn)
                .bytes(resultJson)
                .bytes(resultSignature)
                .bytes(statementSignature)
                .toByteArray();
    }

    public static ComputeResult parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "compute result");
        return r.end(new ComputeResult(
                r.utf8(),
                r.fixed(32),
                r.fixed(32),
                r.fixed(32),
                r.fixed(32),
                r.u16(),
                r.u16(),
                r.bytes(),
                r.bytes(),
                r.bytes()));
    }

    public String queryId() {
        return queryId;
    }

    /** SHA-256 of the {@code QueryApproval} the result was computed under. */
    public byte[] approvalHash() {
        return approvalHash.clone();
    }

    /** {@link ApprovedQuery#queryHash()} of the query that ran. */
    public byte[] queryHash() {
        return queryHash.clone();
    }

    /** MRENCLAVE of the enclave that computed the result. */
    public byte[] measurement() {
        return mrenclave.clone();
    }

    public byte[] mrsigner() {
        return mrsigner.clone();
    }

    public int productId() {
        return productId;
    }

    public int svn() {
        return svn;
    }

    /** The canonical result JSON (UTF-8), as signed. */
    public byte[] resultJson() {
        return resultJson.clone();
    }

    public String resultJsonString() {
        return new String(resultJson, StandardCharsets.UTF_8);
    }

    /** SHA-256 of {@link #resultJson()} (equals {@code StatisticsResult.resultHash()}). */
    public byte[] resultHash() {
        return Sha256.hash(resultJson);
    }

    public byte[] resultSignature() {
        return resultSignature.clone();
    }

    public byte[] statementSignature() {
        return statementSignature.clone();
    }

    @Override
    public String toString() {
        return "ComputeResult{queryId=" + queryId + ", resultHash=" + Hex.of(resultHash()) + ", mrenclave="
                + Hex.of(mrenclave) + "}";
    }
}
