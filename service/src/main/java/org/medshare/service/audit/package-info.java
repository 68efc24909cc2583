/**
 * The audit trail for regulators: the ledger's events read back, filtered and exported, with the checkpoints and
 * proofs that let them be checked offline.
 */
package org.medshare.service.audit;
