package org.medshare.service.enclave;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.testing.PartySigners;

/**
 * No key without the ledger: with the parties' own, valid signatures, the key authority still releases a purpose key
 * or issues a clinician key only for the QUERY_APPROVED or KEY_ISSUED event it finds, by its own check, under a
 * checkpoint of this ledger signed by its quorum. The proofs here are the ones the real ledger writes, so the
 * enclave's own reading of the log's formats is checked against the log itself.
 */
@QuarkusTest
class LedgerGatedReleaseTest {
    private static final String NOT_ON_LEDGER = "KEY_RELEASE_NOT_ON_LEDGER";
    private static final String MISMATCH = "KEY_RELEASE_LEDGER_EVENT_MISMATCH";
    private static final Set<String> PURPOSE = Set.of("purpose:insurance-stats@2026Q4");

    @Inject
    EnclaveGateway gateway;

    @Inject
    LedgerService ledger;

    @Test
    void aPurposeKeyIsReleasedOnlyForTheApprovalsOwnFinalEvent() throws Exception {
        EmbeddedEnclaves enclaves = gateway.enclaves();
        QueryApproval approval = QueryApproval.sign(
                "q-gated", randomHash(), PURPOSE, Instant.now().plusSeconds(60), PartySigners.regulator());

        LedgerReceipt otherQuery = ledger.append(queryApproved("q-other"));
        assertRefused(
                MISMATCH,
                () -> enclaves.keyAuthority().releaseTo(enclaves.worker(), approval, gateway.proofOf(otherQuery)));

        LedgerReceipt logged = ledger.append(queryApproved("q-gated"));
        LedgerProof genuine = gateway.proofOf(logged);
        assertRefused(
                NOT_ON_LEDGER, () -> enclaves.keyAuthority().releaseTo(enclaves.worker(), approval, unsigned(genuine)));
        assertRefused(
                NOT_ON_LEDGER,
                () -> enclaves.keyAuthority()
                        .releaseTo(enclaves.worker(), approval, forgedLog(queryApproved("q-gated"))));

        assertEquals(
                PURPOSE,
                enclaves.keyAuthority()
                        .releaseTo(enclaves.worker(), approval, genuine)
                        .record()
                        .attributes(),
                "the event as the ledger wrote it releases the key, and the refusals spent nothing");
    }

    @Test
    void aClinicianKeyIsIssuedOnlyForTheGrantsOwnFinalEvent() throws Exception {
        EmbeddedEnclaves enclaves = gateway.enclaves();
        byte[] recipient = KeyPairGenerator.getInstance("X25519")
                .generateKeyPair()
                .getPublic()
                .getEncoded();
        UserKeyGrant grant = UserKeyGrant.sign(
                "hospital-a",
                "hospital-a:alice",
                Set.of("org:hospital-a@2026Q4"),
                Instant.now().plusSeconds(60),
                recipient,
                PartySigners.grantKey("hospital-a"));
        String keyId = HexFormat.of().formatHex(grant.hash());

        LedgerProof toMallory = gateway.proofOf(ledger.append(keyIssued(keyId, "hospital-a:mallory")));
        assertRefused(MISMATCH, () -> enclaves.keyAuthority().issueUserKey(grant, nonce(), toMallory));
        assertRefused(
                NOT_ON_LEDGER,
                () -> enclaves.keyAuthority()
                        .issueUserKey(grant, nonce(), forgedLog(keyIssued(keyId, grant.subject()))));

        LedgerProof genuine = gateway.proofOf(ledger.append(keyIssued(keyId, grant.subject())));
        assertEquals(
                keyId,
                enclaves.keyAuthority()
                        .issueUserKey(grant, nonce(), genuine)
                        .issue()
                        .statement()
                        .keyId());
    }

    private static void assertRefused(String code, Executable call) {
        assertEquals(code, assertThrows(EnclaveCallException.class, call).code());
    }

    /** The genuine proof with every signature line of its checkpoint removed. */
    private static LedgerProof unsigned(LedgerProof p) {
        String note = p.checkpoint();
        return new LedgerProof(
                p.entry(), p.index(), p.treeSize(), p.inclusionPath(), note.substring(0, note.lastIndexOf("\n\n") + 2));
    }

    /**
     * A one-entry log with this ledger's origin, holding {@code event}, whose checkpoint a key of the log's own name
     * signed: what an operator without the members' keys could present.
     */
    private LedgerProof forgedLog(Event event) throws Exception {
        byte[] entry = EventCodec.encode(event);
        LedgerSuite suite = LedgerSuite.fromId(ledger.finality().suite());
        Checkpoint cp = new Checkpoint(ledger.origin(), 1, suite.treeHasher().hashLeaf(entry));
        SignedCheckpoint signed = SignedCheckpoint.sign(cp, suite.generateSigner(ledger.origin()));
        return new LedgerProof(entry, 0, 1, List.of(), signed.format());
    }

    private static Event queryApproved(String queryId) {
        return Event.builder(EventType.QUERY_APPROVED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "regulator-nhc")
                .id(Field.QUERY_ID, queryId)
                .hash(Field.QUERY_HASH, randomHash())
                .build();
    }

    private static Event keyIssued(String keyId, String recipient) {
        return Event.builder(EventType.KEY_ISSUED)
                .timestamp(System.currentTimeMillis())
                .id(Field.ACTOR, "key-authority")
                .id(Field.KEY_ID, keyId)
                .id(Field.RECIPIENT, recipient)
                .hash(Field.ATTRIBUTES_HASH, randomHash())
                .build();
    }

    private static byte[] randomHash() {
        byte[] h = new byte[32];
        new SecureRandom().nextBytes(h);
        return h;
    }

    private static byte[] nonce() {
        return randomHash();
    }
}
