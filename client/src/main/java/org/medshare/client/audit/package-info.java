/**
 * {@code medshare audit verify}: offline verification of a copy of the audit ledger with nothing but the
 * members' public checkpoint keys (or the consortium CA and member certificates), using {@code ledger-anchor}'s
 * verifier; it also re-executes the incentive contract from the ledger and prints the recomputed balances. It
 * never contacts the service; with {@code --anchor-rpc} it reads the checkpoint anchors from that EVM chain
 * and checks the ledger against them. The online {@code medshare audit export} is in
 * {@code org.medshare.client.query}.
 */
package org.medshare.client.audit;
