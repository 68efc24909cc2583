package org.medshare.store.backend;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.medshare.store.Cid;

/**
 * One storage node's blob interface: shards keyed by their {@link Cid}.
 *
 * <p>Guarantees every implementation gives:
 *
 * <ul>
 *   <li>{@link #put} is atomic and durable: when it returns, the whole shard survives a crash of the
 *       calling process and of the node; a reader never sees a partial shard. Putting the same CID
 *       again replaces the stored bytes (used by repair to overwrite a corrupt copy).
 *   <li>Backends do not verify content against the CID: the store does, on every read, so that
 *       corruption on the medium is detected end to end.
 *   <li>Any I/O or remote failure surfaces as {@link IOException}; an absent shard is never an
 *       exception but an empty result.
 * </ul>
 */
public interface ShardBackend extends Closeable {

    /** Stores {@code data[offset, offset + length)} under {@code cid}, durably and atomically. */
    void put(Cid cid, byte[] data, int offset, int length) throws IOException;

    /** The stored bytes, or empty if this node holds no shard under {@code cid}. */
    Optional<byte[]> get(Cid cid) throws IOException;

    /** Removes the shard; returns whether it existed. */
    boolean delete(Cid cid) throws IOException;

    /** Whether a shard is stored under {@code cid}. */
    boolean exists(Cid cid) throws IOException;

    /** Every CID stored on this node. */
    Set<Cid> list() throws IOException;

    /**
     * Deletes partial files left by puts that a crash interrupted, returning how many; backends whose
     * puts leave nothing behind (S3) return 0. Precondition: no put is in progress on this backend.
     */
    default int removeStaleTemporaries() throws IOException {
        return 0;
    }

    @Override
    default void close() throws IOException {}
}
