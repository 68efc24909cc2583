/**
 * The content-addressed, erasure-coded record store.
 *
 * <p>What it guarantees: a record is committed only after every shard of every stripe is durable,
 * and a failed put leaves nothing behind; losing any n - k shards of a stripe loses nothing; every
 * shard read is checked against its CID and every record against its own at the end of its read;
 * an owner's committed and in-flight stored bytes never exceed its quota; a deleted record is
 * unreadable at once and its shards are removed after a grace period. The store holds ciphertext
 * only and never interprets or logs record content.
 *
 * <p>Entry point: {@link org.medshare.store.ShardStore} ({@code put}, {@code get}, {@code delete},
 * {@code repair}, {@code scrub}, {@code collectGarbage}, {@code usage}); the embedded default is
 * {@link org.medshare.store.ShardStore#openLocal(java.nio.file.Path, java.util.List)}: 4 data and 2
 * parity shards per stripe over local node directories.
 *
 * <p>Values: {@link org.medshare.store.Cid} (CIDv1 raw sha2-256, the one home of the module's
 * SHA-256), {@link org.medshare.store.Manifest} and {@link org.medshare.store.CatalogEntry}
 * (versioned wire formats), {@link org.medshare.store.StorageNode} (a backend from
 * {@link org.medshare.store.backend} in a failure domain), {@link org.medshare.store.QuotaPolicy}
 * and the reports of repair, scrub and garbage collection. {@link org.medshare.store.ManifestCatalog}
 * is the commit point of a put; {@link org.medshare.store.RendezvousPlacement} chooses nodes, never
 * more than {@code ShardStore.Builder.maxShardsPerDomain} shards of a stripe in one failure domain
 * (puts, failed-write retries and repair alike).
 *
 * <p>Inside, the facade delegates to one part per responsibility: {@code StoreNodes} (nodes and
 * their health), {@code RecordTable} (catalog entries, shard references and owner usage, changed
 * together under one lock), {@code PutPipeline} (striping, coding and parallel shard writes),
 * {@code RecordReader} (verified reads and reconstruction), {@code Repairer} and {@code Scrubber},
 * and {@code GarbageCollector}.
 */
package org.medshare.store;
