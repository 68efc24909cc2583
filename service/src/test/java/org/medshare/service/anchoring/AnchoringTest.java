package org.medshare.service.anchoring;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.quarkus.test.security.oidc.Claim;
import io.quarkus.test.security.oidc.OidcSecurity;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.anchor.AnchorAccount;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.anchor.ChainAnchor;
import org.medshare.ledger.anchor.GanacheNode;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;

/**
 * Checkpoint anchoring against a real local EVM node (ganache, started and stopped by this test): anchors every
 * 3 entries with ANCHORED events on the ledger, keeps retrying with growing delays while the node is down and
 * anchors the latest checkpoint when it is back, records an anchor that reached the chain but not the ledger,
 * and shows the last anchor on the health page and ANCHORED events in the audit trail and export.
 */
@QuarkusTest
@TestProfile(AnchoringTest.ChainProfile.class)
@TestSecurity(user = "rita", roles = "regulator")
@OidcSecurity(claims = @Claim(key = "org_id", value = "regulator-nhc"))
class AnchoringTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Anchoring on, against the node of {@link EvmNode}. */
    public static class ChainProfile implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(EvmNode.class));
        }
    }

    /** Starts ganache before the application and stops it (by its process) afterwards. */
    public static class EvmNode implements QuarkusTestResourceLifecycleManager {
        static GanacheNode node;
        static Path keyFile;

        @Override
        public Map<String, String> start() {
            try {
                Path work = Files.createDirectories(Path.of("target", "anchoring-test"));
                node = GanacheNode.start(work);
                keyFile = node.fundedKeyFile(work);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of(
                    "medshare.anchor.rpc-url",
                    node.rpc().toString(),
                    "medshare.anchor.key-file",
                    keyFile.toString(),
                    "medshare.anchor.every-entries",
                    "3",
                    "medshare.anchor.every",
                    "PT1H",
                    "medshare.anchor.poll-interval",
                    "PT0.2S",
                    "medshare.anchor.retry-initial",
                    "PT0.3S",
                    "medshare.anchor.retry-max",
                    "PT2S",
                    "medshare.anchor.rpc-timeout",
                    "PT5S");
        }

        @Override
        public void stop() {
            if (node != null) {
                node.stop();
            }
        }
    }

    @Inject
    LedgerService ledger;

    @Inject
    CheckpointAnchoring anchoring;

    private void appendUploads(int n, String tag) {
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(Event.upload(
                    System.currentTimeMillis(),
                    "hospital-a",
                    "rec-" + tag + "-" + i,
                    SaltedHash.sha256((tag + i).getBytes()),
                    SaltedHash.sha256(tag.getBytes())));
        }
        ledger.appendAll(events);
    }

    private AnchorStatus await(String what, Predicate<AnchorStatus> condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            AnchorStatus s = anchoring.status();
            if (condition.test(s)) {
                return s;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what + "; status " + anchoring.status());
    }

    private List<ChainAnchor> onChain(AnchorStatus s) throws IOException {
        try (AnchorChain chain = AnchorChain.connect(EvmNode.node.rpc(), Duration.ofSeconds(10))) {
            return chain.anchors(EvmAddress.parse(s.contract()), "medshare.example/ledger");
        }
    }

    private void assertRecorded(AnchorStatus.LastAnchor last, AnchorStatus s) {
        Event e = ledger.entries(last.ledgerIndex(), 1).get(0).event();
        assertEquals(EventType.ANCHORED, e.type());
        assertEquals(GanacheNode.CHAIN_ID, e.amount(Field.CHAIN_ID));
        assertEquals(s.contract(), e.id(Field.CONTRACT));
        assertEquals(last.txHash(), "0x" + HexFormat.of().formatHex(e.hash(Field.TX_HASH)));
        assertEquals(last.blockNumber(), e.amount(Field.BLOCK_NUMBER));
        assertEquals(last.size(), e.amount(Field.TREE_SIZE));
        assertArrayEquals(ledger.root(last.size()), e.hash(Field.TREE_ROOT), "the log's root at the anchored size");
    }

    @Test
    void anchorsSurviveTheChainGoingDownAndShowInHealthAndAudit() throws Exception {
        appendUploads(3, "first");
        long size = ledger.size();
        AnchorStatus s = await(
                "an anchor covering " + size + " entries",
                x -> x.last() != null && x.last().size() >= size);
        assertEquals(GanacheNode.CHAIN_ID, s.chainId());
        assertEquals(AnchorAccount.load(EvmNode.keyFile).address().toString(), s.account());
        assertRecorded(s.last(), s);
        ChainAnchor first = onChain(s).get(onChain(s).size() - 1);
        assertEquals(s.last().txHash(), first.txHashHex());
        assertArrayEquals(ledger.root(first.size()), first.root());

        given().get("/api/v1/health/platform")
                .then()
                .statusCode(200)
                .body("anchor.enabled", equalTo(true))
                .body("anchor.contract", equalTo(s.contract()))
                .body("anchor.last.txHash", equalTo(s.last().txHash()))
                .body("anchor.last.ledgerIndex", equalTo((int) s.last().ledgerIndex()));

        // the chain goes down: attempts fail with growing delays, nothing is anchored, nothing is lost
        EvmNode.node.stop();
        appendUploads(4, "while-down");
        long sizeWhileDown = ledger.size();
        AnchorStatus down = await("three failed attempts", x -> x.consecutiveFailures() >= 3);
        assertTrue(down.lastError().startsWith("the chain cannot be reached"), down.lastError());
        assertTrue(down.retryDelayMillis() >= 1200, "backoff doubles from 300 ms: " + down.retryDelayMillis());
        assertEquals(s.last(), down.last(), "no anchor while the chain is down");

        // back: the latest checkpoint is anchored, covering everything appended meanwhile
        EvmNode.node.startAgain();
        AnchorStatus back = await(
                "an anchor after the chain came back",
                x -> x.consecutiveFailures() == 0
                        && x.last() != null
                        && x.last().size() >= sizeWhileDown);
        assertRecorded(back.last(), back);
        List<Long> sizes = onChain(back).stream().map(ChainAnchor::size).toList();
        for (int i = 1; i < sizes.size(); i++) {
            assertTrue(sizes.get(i) > sizes.get(i - 1), "sizes strictly increase: " + sizes);
        }
        assertTrue(sizes.contains(back.last().size()));

        // an anchor mined but never recorded (the service stopped in between) is recorded at the next poll
        appendUploads(1, "unrecorded");
        long missedSize = ledger.size();
        ChainAnchor missed;
        try (AnchorChain chain = AnchorChain.connect(EvmNode.node.rpc(), Duration.ofSeconds(10))) {
            missed = chain.anchor(
                    AnchorAccount.load(EvmNode.keyFile),
                    EvmAddress.parse(back.contract()),
                    "medshare.example/ledger",
                    missedSize,
                    ledger.root(missedSize));
        }
        AnchorStatus recovered = await(
                "the missed anchor recorded", x -> x.last() != null && x.last().size() >= missedSize);
        assertEquals(missed.txHashHex(), recovered.last().txHash());
        assertRecorded(recovered.last(), recovered);

        List<LedgerEntry> anchoredEntries = ledger.entriesOfTypes(EnumSet.of(EventType.ANCHORED));
        assertTrue(anchoredEntries.size() >= 3, "ANCHORED entries: " + anchoredEntries.size());
        for (LedgerEntry e : anchoredEntries) {
            assertTrue(onChain(recovered).stream().anyMatch(a -> a.isRecordedBy(e.event())), "on chain: " + e.event());
        }

        List<String> txs = given().queryParam("type", "ANCHORED")
                .get("/api/v1/audit/events")
                .then()
                .statusCode(200)
                .extract()
                .path("fields.tx_hash");
        assertTrue(txs.contains(recovered.last().txHash().substring(2)), txs.toString());
        String ndjson = given().queryParam("format", "ndjson")
                .queryParam("type", "ANCHORED")
                .get("/api/v1/audit/export")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertEquals(anchoredEntries.size(), ndjson.lines().count());
        assertTrue(
                ndjson.contains("\"urn:medshare:anchor-transaction\",\"value\":\""
                        + recovered.last().txHash() + "\""),
                ndjson);
    }
}
