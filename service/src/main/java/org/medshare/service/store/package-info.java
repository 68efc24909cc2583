/**
 * The shard store's storage nodes as configured ({@code medshare.store.nodes}: organisations' S3 endpoints or local
 * directories; the embedded default is six local directories), the placement rule that no organisation holds more
 * than {@code min(n - k, k - 1)} shards of a stripe (refused at start when it cannot hold), what the health page
 * shows of the nodes, and the background scrub and repair.
 */
package org.medshare.service.store;
