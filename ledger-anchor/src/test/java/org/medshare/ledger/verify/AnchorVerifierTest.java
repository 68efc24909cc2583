package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.anchor.AnchorAccount;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.anchor.ChainAnchor;
import org.medshare.ledger.anchor.GanacheNode;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;

/** Anchors on a real local EVM node (ganache) against ledger directories, honest and rewritten. */
@Timeout(180)
class AnchorVerifierTest {
    private static final String ORIGIN = "medshare.test/ledger";

    @TempDir
    static Path work;

    static GanacheNode node;
    static AnchorChain chain;
    static AnchorAccount account;

    @TempDir
    Path dir;

    CheckpointSigner signer;
    EvmAddress contract;

    @BeforeAll
    static void startNode() throws Exception {
        node = GanacheNode.start(work);
        chain = node.client();
        account = AnchorAccount.load(node.fundedKeyFile(work));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @BeforeEach
    void newContract() throws Exception {
        signer = LedgerSuite.NIST.generateSigner("node-1.test");
        contract = chain.deploy(account, account.address());
    }

    private static Event upload(int i, String hospital) {
        return Event.upload(
                1_764_000_000_000L + i,
                hospital,
                "rec-" + i,
                SaltedHash.sha256(("c" + i).getBytes()),
                SaltedHash.sha256(("p" + i).getBytes()));
    }

    private AuditLog open() throws Exception {
        return AuditLog.open(
                dir,
                AuditLogConfig.builder(LedgerSuite.NIST, ORIGIN, signer)
                        .checkpointEvery(1000, Duration.ofSeconds(30))
                        .build());
    }

    /** Six uploads, their checkpoint anchored and the ANCHORED entry appended; returns the anchor. */
    private ChainAnchor anchoredLog() throws Exception {
        try (AuditLog log = open()) {
            for (int i = 0; i < 6; i++) {
                log.append(upload(i, "hospital-a"));
            }
            SignedCheckpoint cp = log.checkpointNow();
            ChainAnchor anchor = chain.anchor(
                    account,
                    contract,
                    ORIGIN,
                    cp.checkpoint().size(),
                    cp.checkpoint().rootHash());
            log.append(anchor.toEvent(1_764_000_100_000L));
            return anchor;
        }
    }

    /** Deletes the checkpoints and segments and writes {@code events} again, re-signed with the same key. */
    private void rewrite(List<Event> events) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        try (AuditLog log = open()) {
            log.appendAll(events);
        }
    }

    private VerificationReport offline() throws Exception {
        return LedgerVerifier.verify(dir, List.of(signer.verifier()), 1, List.of());
    }

    @Test
    void anHonestAnchoredLogVerifiesOfflineAndAgainstTheChain() throws Exception {
        ChainAnchor anchor = anchoredLog();
        VerificationReport offline = offline();
        assertTrue(offline.ok(), offline.summary());
        assertTrue(
                offline.notes().stream().anyMatch(n -> n.startsWith("1 ANCHORED entries")),
                offline.notes().toString());

        AnchorVerifier.Report report = AnchorVerifier.verify(dir, chain, contract);
        assertTrue(report.ok(), report.summary());
        assertEquals(1, report.anchors());
        assertEquals(1, report.anchorEntries());
        assertEquals(anchor.size(), report.latestSize());
    }

    @Test
    void aRewrittenAndReSignedLogIsCaughtByTheAnchorsAlone() throws Exception {
        ChainAnchor anchor = anchoredLog();
        // entry 2 rewritten; the ANCHORED entry dropped; checkpoints deleted and signed again
        List<Event> forged = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            forged.add(upload(i, i == 2 ? "hospital-x" : "hospital-a"));
        }
        rewrite(forged);
        VerificationReport offline = offline();
        assertTrue(offline.ok(), "the re-signed log passes every local check: " + offline.summary());

        AnchorVerifier.Report report = AnchorVerifier.verify(dir, chain, contract);
        assertFalse(report.ok());
        assertTrue(report.failure().contains(anchor.toString()), report.failure());
        assertTrue(report.failure().contains("is not the log's root"), report.failure());
    }

    @Test
    void aLogCutBelowAnAnchoredSizeIsCaught() throws Exception {
        anchoredLog();
        rewrite(List.of(upload(0, "hospital-a"), upload(1, "hospital-a")));
        assertTrue(offline().ok());
        AnchorVerifier.Report report = AnchorVerifier.verify(dir, chain, contract);
        assertFalse(report.ok());
        assertTrue(report.failure().contains("anchored size 6 but the log has only 2 entries"), report.failure());
    }

    @Test
    void anAnchoredEntryMustPointAtTheTransactionThatHoldsIt() throws Exception {
        ChainAnchor real = anchoredLog();
        // a second, consistent-looking ANCHORED entry whose transaction anchored something else
        ChainAnchor other;
        try (AuditLog log = open()) {
            SignedCheckpoint cp = log.checkpointNow();
            other = chain.anchor(
                    account,
                    contract,
                    ORIGIN,
                    cp.checkpoint().size(),
                    cp.checkpoint().rootHash());
            log.append(new ChainAnchor(
                            other.chainId(),
                            contract,
                            real.txHash(),
                            other.blockNumber(),
                            ORIGIN,
                            other.size(),
                            other.root())
                    .toEvent(1_764_000_200_000L));
        }
        assertTrue(offline().ok(), "the entry's root is right; only the chain can tell");
        AnchorVerifier.Report report = AnchorVerifier.verify(dir, chain, contract);
        assertFalse(report.ok());
        assertTrue(
                report.failure().startsWith("entry 7: ANCHORED points at transaction " + real.txHashHex()),
                report.failure());
    }

    @Test
    void anAnchoredEntryForAnotherContractOrNoAnchorAtAllFails() throws Exception {
        anchoredLog();
        EvmAddress elsewhere = chain.deploy(account, account.address());
        AnchorVerifier.Report none = AnchorVerifier.verify(dir, chain, elsewhere);
        assertFalse(none.ok());
        assertTrue(none.failure().contains("holds no anchor of origin"), none.failure());

        try (AuditLog log = open()) {
            SignedCheckpoint cp = log.checkpointNow();
            chain.anchor(
                    account,
                    elsewhere,
                    ORIGIN,
                    cp.checkpoint().size(),
                    cp.checkpoint().rootHash());
        }
        AnchorVerifier.Report foreign = AnchorVerifier.verify(dir, chain, elsewhere);
        assertFalse(foreign.ok());
        assertTrue(foreign.failure().startsWith("entry 6: ANCHORED names chain"), foreign.failure());
    }

    @Test
    void theOfflineVerifierChecksAnAnchoredRootAgainstTheEntries() throws Exception {
        try (AuditLog log = open()) {
            for (int i = 0; i < 3; i++) {
                log.append(upload(i, "hospital-a"));
            }
            log.append(Event.anchored(
                    1_764_000_100_000L,
                    GanacheNode.CHAIN_ID,
                    contract.toString(),
                    new byte[32],
                    1,
                    3,
                    SaltedHash.sha256("not the root".getBytes())));
        }
        VerificationReport r = offline();
        assertFalse(r.ok());
        assertEquals(3, r.failedEntry());
        assertTrue(r.failure().contains("ANCHORED root of size 3 is not the log's root"), r.failure());
    }
}
