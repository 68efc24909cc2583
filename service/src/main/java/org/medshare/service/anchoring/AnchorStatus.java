package org.medshare.service.anchoring;

import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Checkpoint anchoring as the health page shows it: ids, sizes, hashes and times only (never the key).
 *
 * @param enabled             whether an RPC URL is configured
 * @param chainId             the chain's id once known, else null
 * @param contract            the {@code CheckpointAnchor} contract's address once known, else null
 * @param account             the anchoring account's address, or null when disabled
 * @param everyEntries        an anchor is due after this many new entries…
 * @param everySeconds        …or after this many seconds with at least one new entry
 * @param last                the latest anchor recorded on the ledger, or null before the first
 * @param pendingEntries      entries the latest checkpoint covers beyond the last anchor (ANCHORED not counted)
 * @param consecutiveFailures failed attempts since the last success
 * @param lastError           what the last failed attempt reported, or null after a success
 * @param nextAttemptAt       when the next attempt is scheduled, or null when disabled
 * @param retryDelayMillis    the current wait between attempts (grows while the chain is unreachable)
 */
public record AnchorStatus(
        boolean enabled,
        @Schema(nullable = true) Long chainId,
        @Schema(nullable = true) String contract,
        @Schema(nullable = true) String account,
        long everyEntries,
        long everySeconds,
        @Schema(nullable = true) LastAnchor last,
        long pendingEntries,
        int consecutiveFailures,
        @Schema(nullable = true) String lastError,
        @Schema(nullable = true) Instant nextAttemptAt,
        long retryDelayMillis) {

    /**
     * The latest anchor.
     *
     * @param size        the anchored tree size
     * @param root        its root, hex
     * @param txHash      the transaction that holds it, {@code 0x} + hex
     * @param blockNumber its block
     * @param ledgerIndex the ANCHORED entry that records it
     * @param at          when it was recorded on the ledger
     */
    public record LastAnchor(long size, String root, String txHash, long blockNumber, long ledgerIndex, Instant at) {}

    static AnchorStatus disabled() {
        return new AnchorStatus(false, null, null, null, 0, 0, null, 0, 0, null, null, 0);
    }
}
