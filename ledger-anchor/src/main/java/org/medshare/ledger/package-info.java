/**
 * The verifiable audit log of one ledger member: {@link org.medshare.ledger.AuditLog} (open,
 * append with group commit, receipts, signed checkpoints per batch, RFC 9162 inclusion and
 * consistency proofs, tamper detection at open) configured by
 * {@link org.medshare.ledger.AuditLogConfig} and {@link org.medshare.ledger.LedgerSuite}
 * ({@code nist}: SHA-256 + Ed25519, {@code gm}: SM3 + SM2). Replication (package
 * {@code replication}), the incentive contract (package {@code contract}) and checkpoint anchoring
 * on an external EVM chain (package {@code anchor}) build on it; package {@code tiles} serves and reads it
 * as C2SP tlog-tiles.
 */
package org.medshare.ledger;
