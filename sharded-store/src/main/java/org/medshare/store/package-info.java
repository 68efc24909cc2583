/**
 * The content-addressed, erasure-coded shard store.
 *
 * <p>Entry point: {@link org.medshare.store.ShardStore} — {@code put(owner, InputStream) -> Manifest},
 * {@code get(recordCid) -> InputStream}, {@code delete(owner, recordCid)}, {@code repair()},
 * {@code scrub()}, {@code collectGarbage()}, {@code usage(owner)}. The embedded default is
 * {@link org.medshare.store.ShardStore#openLocal(java.nio.file.Path, java.util.List)}: RS(4,2) over
 * local node directories.
 *
 * <p>Building blocks: {@link org.medshare.store.Cid} (CIDv1 raw sha2-256 base32),
 * {@link org.medshare.store.erasure.ReedSolomon} (systematic RS over GF(2^8)),
 * {@link org.medshare.store.RendezvousPlacement} (HRW over failure domains),
 * {@link org.medshare.store.Manifest} (versioned wire format), {@link org.medshare.store.StorageNode}
 * (a backend from {@link org.medshare.store.backend} in a failure domain), and
 * {@link org.medshare.store.ManifestCatalog}, the commit point of a put.
 *
 * <p>The store holds ciphertext only and never interprets it; nothing here logs record content.
 */
package org.medshare.store;
