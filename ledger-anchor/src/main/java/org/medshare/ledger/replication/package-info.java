/**
 * Replication of the audit log across consortium members with Apache Ratis
 * (Raft over gRPC), and witness cosigning of checkpoints.
 *
 * <p>Raft orders batches of ledger entries ({@link org.medshare.ledger.replication.LedgerMember#append});
 * every member applies them to its own {@link org.medshare.ledger.replication.MemberLog}. Because Raft
 * trusts its leader, checkpoints are also witnessed (C2SP tlog-witness model): the leader proposes a
 * signed tree head with an RFC 9162 consistency proof from the last cosigned one, and each member's
 * {@link org.medshare.ledger.replication.Witness} cosigns only if the proof verifies and the root matches
 * its own copy. A checkpoint is final with cosignatures from the configured quorum
 * ({@link org.medshare.ledger.replication.FinalCheckpoint}). Proposals and cosignatures travel through the
 * Raft log too, so every member records the same cosignatures in the same order.
 *
 * <p>A member's log is its durable {@link org.medshare.ledger.AuditLog}
 * ({@link org.medshare.ledger.replication.AuditLogMemberLog}: canonical event encodings, SHA-256 or SM3)
 * or, in tests and benchmarks, an {@link org.medshare.ledger.replication.InMemoryMemberLog}. Member keys
 * are C2SP note signers named by member id (Ed25519 or SM2), so a final checkpoint renders as a signed
 * note ({@link org.medshare.ledger.replication.FinalCheckpoint#toSignedCheckpoint}); each member writes
 * every final checkpoint into its own AuditLog's checkpoint file with all cosignature lines
 * ({@link org.medshare.ledger.replication.MemberLog#recordFinal}), where the offline verifier checks the
 * quorum with nothing but the members' public keys.
 *
 * <p>Durability: the Raft apply thread only queues a batch on the member log's group commit
 * ({@link org.medshare.ledger.replication.MemberLog#appendAsync}); the client's acknowledgement waits for
 * the fsync, and a witness cosigns only entries its log holds durably. Members may also run the incentive contract
 * ({@link org.medshare.ledger.replication.LedgerMember#executeContract}): every member executes each call
 * in Raft order, one EVM block per batch, so balances and state roots agree.
 */
package org.medshare.ledger.replication;
