/**
 * The embedded shard store: its local node directories, and its background scrub and repair.
 */
package org.medshare.service.store;
