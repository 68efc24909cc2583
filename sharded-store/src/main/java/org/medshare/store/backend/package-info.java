/**
 * Where shards live: the {@link org.medshare.store.backend.ShardBackend} interface of one storage
 * node and its implementations on a local directory (the embedded default), on any S3-compatible
 * object store and on HDFS.
 *
 * <p>Every backend stores a shard under its CID atomically and durably (a reader never sees part of
 * a shard; after {@code put} returns the shard survives a crash), reports an absent shard as an empty
 * result and every I/O or remote failure as {@link java.io.IOException}. Backends never check content
 * against its CID and never interpret it: the store above them verifies every shard it reads.
 *
 * <p>{@link org.medshare.store.backend.DurableFiles} is the one home of atomic, durable file
 * replacement on a local file system, used by the local-directory backend and the store's catalog.
 */
package org.medshare.store.backend;
