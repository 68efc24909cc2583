package org.medshare.client.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.InclusionProof;

/** A real ledger's entries and inclusion receipts in the JSON shapes the service answers with. */
public final class LoggedEntries {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LoggedEntries() {}

    /** Entry {@code index} of {@code log} (NIST suite): index, suite, canonical bytes and leaf hash. */
    public static ObjectNode entry(AuditLog log, long index) throws Exception {
        Base64.Encoder b64 = Base64.getEncoder();
        return JSON.createObjectNode()
                .put("index", index)
                .put("suite", "nist")
                .put("encoded", b64.encodeToString(log.readEncoded(index)))
                .put("leafHash", b64.encodeToString(log.leafHash(index)));
    }

    /** The inclusion receipt of entry {@code index} under {@code checkpoint}. */
    public static ObjectNode receipt(AuditLog log, long index, SignedCheckpoint checkpoint) {
        Base64.Encoder b64 = Base64.getEncoder();
        InclusionProof proof = log.inclusionProof(index, checkpoint.checkpoint().size());
        ObjectNode r = JSON.createObjectNode()
                .put("index", index)
                .put("leafHash", b64.encodeToString(proof.leafHash()))
                .put("treeSize", checkpoint.checkpoint().size())
                .put("checkpoint", checkpoint.format());
        proof.hashes().forEach(h -> r.withArray("inclusionProof").add(b64.encodeToString(h)));
        return r;
    }
}
