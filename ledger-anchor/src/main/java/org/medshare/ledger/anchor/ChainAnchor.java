package org.medshare.ledger.anchor;

import java.util.Arrays;
import java.util.HexFormat;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * One anchor: the checkpoint of {@code size} entries with Merkle root {@code root} of log {@code origin},
 * recorded by transaction {@code txHash} in block {@code blockNumber} of chain {@code chainId} by the
 * {@code CheckpointAnchor} contract at {@code contract}. Immutable; arrays are copied in and out.
 */
public record ChainAnchor(
        long chainId, EvmAddress contract, byte[] txHash, long blockNumber, String origin, long size, byte[] root) {
    public ChainAnchor {
        if (txHash.length != 32 || root.length != 32) {
            throw new IllegalArgumentException("transaction hash and root have 32 bytes");
        }
        if (size < 1 || blockNumber < 0 || chainId < 0) {
            throw new IllegalArgumentException("size must be positive, block number and chain id not negative");
        }
        txHash = txHash.clone();
        root = root.clone();
    }

    @Override
    public byte[] txHash() {
        return txHash.clone();
    }

    @Override
    public byte[] root() {
        return root.clone();
    }

    /** The transaction hash as {@code 0x} and 64 lower-case hex digits. */
    public String txHashHex() {
        return "0x" + HexFormat.of().formatHex(txHash);
    }

    /** The ANCHORED ledger event that records this anchor (the origin is the log's own, so not repeated). */
    public Event toEvent(long timestampMillis) {
        return Event.anchored(timestampMillis, chainId, contract.toString(), txHash, blockNumber, size, root);
    }

    /**
     * Whether {@code event} (an ANCHORED event) records exactly this anchor: same chain, contract,
     * transaction, block, size and root.
     */
    public boolean isRecordedBy(Event event) {
        return event.type() == EventType.ANCHORED
                && event.amount(Field.CHAIN_ID) == chainId
                && event.id(Field.CONTRACT).equals(contract.toString())
                && Arrays.equals(event.hash(Field.TX_HASH), txHash)
                && event.amount(Field.BLOCK_NUMBER) == blockNumber
                && event.amount(Field.TREE_SIZE) == size
                && Arrays.equals(event.hash(Field.TREE_ROOT), root);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChainAnchor a
                && chainId == a.chainId
                && contract.equals(a.contract)
                && Arrays.equals(txHash, a.txHash)
                && blockNumber == a.blockNumber
                && origin.equals(a.origin)
                && size == a.size
                && Arrays.equals(root, a.root);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(txHash) * 31 + Long.hashCode(size);
    }

    @Override
    public String toString() {
        return "anchor of size " + size + " (chain " + chainId + ", contract " + contract + ", transaction "
                + txHashHex() + ", block " + blockNumber + ")";
    }
}
