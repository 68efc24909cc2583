package org.medshare.client.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.medshare.client.http.Json;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.verify.ProofVerifier;

/**
 * One ledger event as the service shows it ({@code index}, {@code suite}, {@code encoded}: the canonical bytes,
 * base64) and its inclusion receipt ({@code index}, {@code treeSize}, {@code leafHash}, {@code inclusionProof},
 * {@code checkpoint}), checked against the reader's own member keys: nothing in the answer is taken on trust.
 */
public final class LoggedEvents {

    /** A check that failed; the message says why in one line. */
    public static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** A decoded event, its position in the log and the log's suite. */
    public record Logged(long index, LedgerSuite suite, Event event) {}

    private LoggedEvents() {}

    /**
     * The event of {@code entry}.
     *
     * @throws Invalid if the entry names no known suite or its bytes do not decode as an event
     */
    public static Logged decode(JsonNode entry) throws Invalid {
        try {
            return new Logged(
                    entry.path("index").asLong(-1),
                    LedgerSuite.fromId(Json.text(entry, "suite")),
                    EventCodec.decode(Base64.getDecoder().decode(Json.text(entry, "encoded"))));
        } catch (MalformedEventException | IllegalArgumentException | NullPointerException e) {
            throw new Invalid("the ledger entry does not decode");
        }
    }

    /**
     * Checks that {@code logged} is in the log under a checkpoint signed by {@code quorum} distinct members among
     * {@code keys}.
     *
     * @param receipt the inclusion receipt, or null when the service gave none
     * @return the size of the checkpoint the event is proved under
     * @throws Invalid if the receipt is missing, malformed, for another entry, or does not prove inclusion under a
     *     trusted checkpoint
     */
    public static long verifyIncluded(Logged logged, JsonNode receipt, List<NoteVerifier> keys, int quorum)
            throws Invalid {
        if (receipt == null || !receipt.isObject()) {
            throw new Invalid("no inclusion proof for ledger entry " + logged.index());
        }
        try {
            SignedCheckpoint checkpoint = SignedCheckpoint.parse(
                    Json.text(receipt, "checkpoint"),
                    logged.suite().treeHasher().hashSize());
            long size = receipt.path("treeSize").asLong(-1);
            if (receipt.path("index").asLong(-2) != logged.index()) {
                throw new Invalid("the inclusion proof is for another ledger entry");
            }
            List<byte[]> hashes = new ArrayList<>();
            for (JsonNode h : receipt.path("inclusionProof")) {
                hashes.add(Base64.getDecoder().decode(h.asText()));
            }
            String leafHash = Json.text(receipt, "leafHash");
            if (leafHash == null) {
                throw new Invalid("leafHash is missing");
            }
            InclusionProof proof =
                    new InclusionProof(logged.index(), size, Base64.getDecoder().decode(leafHash), hashes);
            ProofVerifier.verifyEventInclusion(
                    logged.suite().treeHasher(), keys, quorum, checkpoint, logged.event(), proof);
            return size;
        } catch (MalformedNoteException | IllegalArgumentException | NullPointerException e) {
            throw new Invalid("the inclusion receipt is malformed");
        } catch (GeneralSecurityException e) {
            throw new Invalid("not included under a trusted signed checkpoint: " + e.getMessage());
        }
    }
}
