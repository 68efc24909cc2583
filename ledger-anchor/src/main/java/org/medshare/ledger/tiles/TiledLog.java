package org.medshare.ledger.tiles;

import java.io.IOException;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * The read-only view of one append-only log that {@link LogTiles} serves tiles from: its size, the stored hashes of
 * its complete perfect subtrees, and its entries' canonical bytes. Everything readable below a size never changes
 * once the log has reached it. Implementations must be safe to read from several threads.
 */
public interface TiledLog {
    /** The tree hasher of the log's suite (SHA-256 or SM3). */
    TreeHasher hasher();

    /** The number of entries now; never decreases. */
    long size();

    /**
     * MTH of entries {@code [index * 2^level, (index + 1) * 2^level)}; requires that subtree to be complete within
     * {@link #size()}.
     */
    byte[] node(int level, long index);

    /** The canonical bytes of entry {@code index} (the bytes the leaf hash covers); requires {@code index < size()}. */
    byte[] entry(long index) throws IOException;

    /** The view of an {@link AuditLog}: its durable entries, their stored node hashes and encoded events. */
    static TiledLog of(AuditLog log) {
        return new TiledLog() {
            @Override
            public TreeHasher hasher() {
                return log.hasher();
            }

            @Override
            public long size() {
                return log.size();
            }

            @Override
            public byte[] node(int level, long index) {
                return log.nodeHash(level, index);
            }

            @Override
            public byte[] entry(long index) throws IOException {
                return log.readEncoded(index);
            }
        };
    }
}
