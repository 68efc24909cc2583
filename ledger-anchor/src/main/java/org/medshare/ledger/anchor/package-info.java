/**
 * Checkpoint anchoring on an external EVM chain (FISCO BCOS, Besu, or any Ethereum JSON-RPC node):
 * {@code CheckpointAnchor.sol} (src/main/solidity, compiled by solc-js in the build) records the
 * (origin, size, root) of a log's signed checkpoints, from the consortium's anchoring account only and
 * with strictly increasing sizes per origin. {@link org.medshare.ledger.anchor.AnchorChain} talks to the
 * chain through web3j (deploy, anchor, read the latest, list every anchor);
 * {@link org.medshare.ledger.anchor.ChainAnchor} is one anchor as the chain holds it and as the log
 * records it (an ANCHORED event); {@link org.medshare.ledger.anchor.AnchorVerifier} compares every
 * anchor on the chain with the root recomputed from a ledger directory's entries, and every ANCHORED
 * entry with the transaction it names, so that a log rewritten and re-signed after it was anchored is
 * caught by the anchors alone.
 */
package org.medshare.ledger.anchor;
