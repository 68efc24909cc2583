package org.medshare.store;

/** Shard {@code shard} of stripe {@code stripe} of {@code record}, expected on node {@code nodeId}. */
public record ShardLocation(Cid record, int stripe, int shard, String nodeId) {}
