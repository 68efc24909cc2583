package org.medshare.store;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Durable map from record CID to {@link CatalogEntry}: the commit point of a put. A record exists
 * exactly when its entry has been committed here.
 *
 * <p>{@link #commit} is atomic and durable: after it returns the entry survives a crash, and a
 * reader sees either the previous entry or the new one, never a mix.
 */
public interface ManifestCatalog {
    /** Atomically stores (or replaces) the entry for its manifest's record CID. */
    void commit(CatalogEntry entry) throws IOException;

    /** The entry for {@code record}, if committed. */
    Optional<CatalogEntry> load(Cid record) throws IOException;

    /** Removes the entry; returns whether it existed. */
    boolean remove(Cid record) throws IOException;

    /** Every committed entry. */
    List<CatalogEntry> loadAll() throws IOException;
}
