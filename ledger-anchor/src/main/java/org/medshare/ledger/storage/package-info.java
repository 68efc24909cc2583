/**
 * Crash-safe storage: append-only segment files with a CRC-32C per entry
 * ({@link org.medshare.ledger.storage.SegmentFormat}), group commit (one fsync per batch),
 * recovery that drops only a torn tail beyond the last signed checkpoint, a strict scanner shared
 * with the offline verifier, and the append-only checkpoint file. Damage is reported as
 * {@link org.medshare.ledger.storage.TamperDetectedException} naming segment and entry.
 */
package org.medshare.ledger.storage;
