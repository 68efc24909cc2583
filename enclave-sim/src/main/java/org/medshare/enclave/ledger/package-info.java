/**
 * The enclave's own check that an event is on the consortium's ledger: a light client that verifies a checkpoint's
 * signatures against the checkpoint keys and quorum in the enclave's measured configuration ({@link LedgerTrust}), an
 * RFC 9162 inclusion proof of one entry under that checkpoint ({@link LedgerProof}), and decodes the entry
 * ({@link LoggedEvent}). The key authority releases a key only for an event it proved this way, so a host that skips
 * the audit trail gets no key, and moves its attribute epoch only on a raise it proved this way.
 *
 * <p>It reads the ledger's published formats (C2SP signed-note and tlog-checkpoint, RFC 9162 §2.1, the canonical
 * event encoding of the log format) on its own: the enclave's measured code depends on no ledger library, and the
 * service's tests check that what the ledger writes, this package accepts.
 */
package org.medshare.enclave.ledger;
