/**
 * Offline verification for regulators, trusting only the members' public keys:
 * {@link org.medshare.ledger.verify.LedgerVerifier} re-reads a ledger directory byte by byte and
 * checks signatures, quorum, roots, consistency and inclusion, naming the first bad entry;
 * {@link org.medshare.ledger.verify.ProofVerifier} checks receipts handed out by the service.
 * Pure library: no Quarkus, no writes.
 */
package org.medshare.ledger.verify;
