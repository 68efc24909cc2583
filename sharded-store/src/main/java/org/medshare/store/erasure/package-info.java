/**
 * Erasure coding for the shard store: systematic Reed-Solomon RS(k, n) over GF(2^8).
 *
 * <p>{@link org.medshare.store.erasure.ReedSolomon} leaves the k data shards as they are and adds
 * n - k parity shards; any k of the n shards of a stripe give back the data (the code is MDS), so a
 * stripe survives the loss of any n - k shards. {@link org.medshare.store.erasure.Gf256} is the field
 * arithmetic underneath. Coders are immutable and thread-safe and never interpret the bytes they
 * code.
 */
package org.medshare.store.erasure;
