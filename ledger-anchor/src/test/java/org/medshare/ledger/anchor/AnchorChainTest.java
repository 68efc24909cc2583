package org.medshare.ledger.anchor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.contract.EvmAddress;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.protocol.http.HttpService;
import org.web3j.tx.RawTransactionManager;
import org.web3j.tx.response.PollingTransactionReceiptProcessor;

/** The CheckpointAnchor contract on a real local EVM node (ganache), through web3j. */
class AnchorChainTest {
    private static final String ORIGIN = "medshare.example/ledger";

    @TempDir
    static Path work;

    static GanacheNode node;
    static AnchorChain chain;
    static AnchorAccount anchorer;
    static AnchorAccount stranger;

    @BeforeAll
    static void startNode() throws Exception {
        node = GanacheNode.start(work);
        chain = node.client();
        anchorer = AnchorAccount.load(node.fundedKeyFile(work));
        stranger = AnchorAccount.load(node.fundedKeyFile(work));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private static byte[] root(int fill) {
        byte[] r = new byte[32];
        Arrays.fill(r, (byte) fill);
        return r;
    }

    @Test
    void anchorsAreRecordedWithTheirTransactionAndReadBack() throws Exception {
        EvmAddress contract = chain.deploy(anchorer, anchorer.address());
        assertEquals(0, chain.latestSize(contract, ORIGIN));
        assertEquals(GanacheNode.CHAIN_ID, chain.chainId());

        ChainAnchor first = chain.anchor(anchorer, contract, ORIGIN, 5, root(1));
        ChainAnchor second = chain.anchor(anchorer, contract, ORIGIN, 9, root(2));

        assertEquals(5, first.size());
        assertArrayEquals(root(1), first.root());
        assertEquals(contract, first.contract());
        assertEquals(GanacheNode.CHAIN_ID, first.chainId());
        assertTrue(second.blockNumber() > first.blockNumber());
        assertEquals(9, chain.latestSize(contract, ORIGIN));
        assertEquals(List.of(first, second), chain.anchors(contract, ORIGIN));
        assertEquals(List.of(first), chain.anchorsInTransaction(contract, first.txHash()));
        assertEquals(List.of(), chain.anchorsInTransaction(contract, root(7)), "no such transaction");
        assertEquals(List.of(), chain.anchors(contract, "another.example/log"));
        assertTrue(first.isRecordedBy(first.toEvent(1)));
        assertFalse(second.isRecordedBy(first.toEvent(1)));
    }

    @Test
    void sizesStrictlyIncreasePerOrigin() throws Exception {
        EvmAddress contract = chain.deploy(anchorer, anchorer.address());
        ChainAnchor kept = chain.anchor(anchorer, contract, ORIGIN, 10, root(1));

        AnchorRefusedException same =
                assertThrows(AnchorRefusedException.class, () -> chain.anchor(anchorer, contract, ORIGIN, 10, root(2)));
        assertTrue(same.getMessage().contains("SizeNotIncreasing(10, 10)"), same.getMessage());
        AnchorRefusedException smaller =
                assertThrows(AnchorRefusedException.class, () -> chain.anchor(anchorer, contract, ORIGIN, 4, root(3)));
        assertTrue(smaller.getMessage().contains("SizeNotIncreasing(10, 4)"), smaller.getMessage());
        AnchorRefusedException empty =
                assertThrows(AnchorRefusedException.class, () -> chain.anchor(anchorer, contract, "", 11, root(3)));
        assertTrue(empty.getMessage().contains("EmptyOrigin"), empty.getMessage());

        assertEquals(10, chain.latestSize(contract, ORIGIN));
        assertEquals(List.of(kept), chain.anchors(contract, ORIGIN));
        // another origin has its own sequence
        assertEquals(
                1,
                chain.anchor(anchorer, contract, "another.example/log", 1, root(4))
                        .size());
    }

    @Test
    void onlyTheAnchoringAccountMayAnchor() throws Exception {
        EvmAddress contract = chain.deploy(anchorer, anchorer.address());
        AnchorRefusedException refused =
                assertThrows(AnchorRefusedException.class, () -> chain.anchor(stranger, contract, ORIGIN, 1, root(1)));
        assertTrue(refused.getMessage().contains("NotAnchorer(" + stranger.address() + ")"), refused.getMessage());

        // the contract itself refuses: a transaction sent without the client's dry run reverts on chain
        Web3j web3 = Web3j.build(new HttpService(node.rpc().toString()));
        try {
            EthSendTransaction sent = new RawTransactionManager(web3, stranger.credentials(), GanacheNode.CHAIN_ID)
                    .sendTransaction(
                            BigInteger.valueOf(3_000_000_000L),
                            BigInteger.valueOf(200_000),
                            contract.toString(),
                            CheckpointAnchorAbi.anchorCall(ORIGIN, 1, root(1)),
                            BigInteger.ZERO,
                            false);
            TransactionReceipt receipt = new PollingTransactionReceiptProcessor(web3, 200, 100)
                    .waitForTransactionReceipt(sent.getTransactionHash());
            assertFalse(receipt.isStatusOK(), "a foreign account's anchor must revert");
            assertEquals(
                    List.of(),
                    chain.anchorsInTransaction(
                            contract,
                            HexFormat.of().parseHex(sent.getTransactionHash().substring(2))));
        } finally {
            web3.shutdown();
        }
        assertEquals(0, chain.latestSize(contract, ORIGIN));
        assertEquals(List.of(), chain.anchors(contract, ORIGIN));
    }

    @Test
    void anUnreachableNodeIsAnIoErrorNotARefusal() throws Exception {
        try (AnchorChain nowhere = AnchorChain.connect(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(2))) {
            assertThrows(IOException.class, nowhere::chainId);
            assertThrows(IOException.class, () -> nowhere.anchor(anchorer, anchorer.address(), ORIGIN, 1, root(1)));
        }
    }

    @Test
    void keyFilesMustHoldOneValidKey(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.key");
        Files.writeString(bad, "not hex at all, not even 64 characters long");
        assertThrows(IllegalArgumentException.class, () -> AnchorAccount.load(bad));
        Files.writeString(bad, "0".repeat(64));
        assertThrows(IllegalArgumentException.class, () -> AnchorAccount.load(bad));
        assertFalse(anchorer.toString().matches(".*[0-9a-f]{64}.*"), "toString shows the address only");
    }
}
