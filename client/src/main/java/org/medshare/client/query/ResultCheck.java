package org.medshare.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.medshare.client.audit.LoggedEvents;
import org.medshare.client.http.Json;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.compute.ResultVerificationException;
import org.medshare.enclave.compute.ResultVerifier;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The checks behind {@code medshare query verify}, on a query as {@code GET /api/v1/queries/{id}} shows it (or
 * as {@code medshare query result --out} saved it), in this order:
 *
 * <ol>
 *   <li><b>quote</b>: the worker's recorded quote chains to the pinned SimRoot and binds the presented keys and
 *       the recorded nonce;
 *   <li><b>measurement</b>: its enclave identity satisfies the pinned worker trust (exact MRENCLAVE, signer,
 *       product, minimum SVN);
 *   <li><b>signature</b>: the result-signing key is the one the quote binds, and the enclave's signed compute
 *       result verifies under it for this query id;
 *   <li><b>result hash</b>: the shown result is byte for byte the signed one, and the shown hash is its hash;
 *   <li><b>compute event</b>: the ledger entry given is this query's COMPUTE event (query id, result hash,
 *       measurement) and its inclusion proof verifies against a checkpoint signed by a quorum of the trusted
 *       member keys;
 *   <li><b>approval</b>, when the reader pins the consortium's party keys: the approval shown is the one whose hash
 *       the enclave's signed result names, it is for this query, and an approval key of the pinned list signed it.
 * </ol>
 *
 * Nothing is taken from the service on trust: the worker trust, the member keys and the party keys are the reader's
 * own pins.
 */
final class ResultCheck {
    /** A failed check: {@code check} names it, the message says why (one line, no secrets). */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    /** What a successful check established, for the one-line OK. */
    record Verified(
            String queryId,
            String measurement,
            String resultHash,
            long eventIndex,
            long checkpointSize,
            String approvedBy) {}

    private ResultCheck() {}

    /**
     * Runs every check on {@code view}.
     *
     * @param receipt the inclusion receipt to use for the COMPUTE event (index, leafHash, treeSize, inclusionProof,
     *                checkpoint), or null to use the one the view carries
     * @param parties the consortium's party keys the approval must be signed with, or null to skip the approval
     * @throws Failed naming the first check that failed
     */
    static Verified verify(
            JsonNode view,
            String queryId,
            AuthorityTrust workerTrust,
            List<NoteVerifier> keys,
            int quorum,
            JsonNode receipt,
            PartyKeyList parties)
            throws Failed {
        if (!queryId.equals(Json.text(view, "queryId"))) {
            throw new Failed("the result is for query " + Json.text(view, "queryId") + ", not " + queryId);
        }
        String signedResult = Json.text(view, "signedResult");
        if (signedResult == null) {
            throw new Failed("query " + queryId + " has no result (status " + Json.text(view, "status") + ")");
        }
        JsonNode v = view.get("verification");
        if (v == null || !v.isObject()) {
            throw new Failed("quote: the result carries no attestation to check");
        }
        ResultVerifier.Verified checked;
        try {
            checked = ResultVerifier.verify(
                    workerTrust.verifier(Clock.systemUTC()),
                    queryId,
                    base64(v, "evidence", "quote"),
                    base64(v, "nonce", "quote"),
                    base64(v, "signingKey", "signature"),
                    base64(v, "computeResult", "signature"),
                    signedResult.getBytes(StandardCharsets.UTF_8),
                    Json.text(view, "resultHash"));
        } catch (ResultVerificationException e) {
            throw new Failed(e.getMessage());
        }
        byte[] resultHash = checked.result().resultHash();
        byte[] measurement = checked.enclave().identity().mrenclave();

        JsonNode entry = v.get("computeEvent");
        if (entry == null || !entry.isObject()) {
            throw new Failed("compute event: the result names no COMPUTE event on the ledger");
        }
        LoggedEvents.Logged logged;
        long size;
        try {
            logged = LoggedEvents.decode(entry);
            Event event = logged.event();
            if (event.type() != EventType.COMPUTE || !queryId.equals(event.id(Field.QUERY_ID))) {
                throw new Failed("compute event: ledger entry " + logged.index() + " is not the COMPUTE event of query "
                        + queryId);
            }
            if (!MessageDigest.isEqual(event.hash(Field.RESULT_HASH), resultHash)) {
                throw new Failed("compute event: the logged result hash is not the signed result's");
            }
            if (!MessageDigest.isEqual(event.hash(Field.MEASUREMENT), measurement)) {
                throw new Failed("compute event: the logged measurement is not the quoted enclave's");
            }
            size = LoggedEvents.verifyIncluded(
                    logged, receipt != null ? receipt : v.get("computeReceipt"), keys, quorum);
        } catch (LoggedEvents.Invalid e) {
            throw new Failed("compute event: " + e.getMessage());
        }
        String approver =
                parties == null ? null : approver(v, queryId, checked.result().approvalHash(), parties);
        HexFormat hex = HexFormat.of();
        return new Verified(
                queryId, hex.formatHex(measurement), hex.formatHex(resultHash), logged.index(), size, approver);
    }

    /** The organisation whose pinned approval key signed the approval the signed result names. */
    private static String approver(JsonNode v, String queryId, byte[] approvalHash, PartyKeyList parties)
            throws Failed {
        byte[] bytes = base64(v, "approval", "approval");
        if (!MessageDigest.isEqual(Sha256.hash(bytes), approvalHash)) {
            throw new Failed("approval: the approval shown is not the one the enclave's signed result names");
        }
        QueryApproval approval;
        try {
            approval = QueryApproval.parse(bytes);
        } catch (GeneralSecurityException e) {
            throw new Failed("approval: " + e.getMessage());
        }
        if (!approval.queryId().equals(queryId)) {
            throw new Failed("approval: it approves query " + approval.queryId() + ", not " + queryId);
        }
        PartyKeyList.PartyKey key = parties.find(PartyKeyList.APPROVE_QUERIES, approval.approverKeyId())
                .orElseThrow(() -> new Failed("approval: its key " + approval.approverKeyId()
                        + " is not an approval key of the pinned party keys"));
        try {
            approval.verify(Set.of(key.keyId()), approval.notAfter());
        } catch (KeyReleaseException e) {
            throw new Failed("approval: " + e.getMessage());
        }
        return key.organisation();
    }

    private static byte[] base64(JsonNode node, String field, String check) throws Failed {
        String text = Json.text(node, field);
        if (text == null) {
            throw new Failed(check + ": " + field + " is missing");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Failed(check + ": " + field + " is not base64");
        }
    }
}
