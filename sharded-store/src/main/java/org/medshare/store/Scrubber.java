package org.medshare.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads every shard of every live record at no more than a configured rate, re-hashes it against
 * its CID, reports the missing and corrupt ones and has the {@link Repairer} rebuild them.
 * Thread-safe.
 */
final class Scrubber {
    private final RecordTable table;
    private final StoreNodes nodes;
    private final Repairer repairer;
    private final long bytesPerSecond;

    /** @param bytesPerSecond read-rate limit, {@link Long#MAX_VALUE} for none */
    Scrubber(RecordTable table, StoreNodes nodes, Repairer repairer, long bytesPerSecond) {
        this.table = table;
        this.nodes = nodes;
        this.repairer = repairer;
        this.bytesPerSecond = bytesPerSecond;
    }

    ScrubReport scrub() throws IOException {
        long checked = 0;
        long bytes = 0;
        List<ShardLocation> corrupt = new ArrayList<>();
        List<ShardLocation> missing = new ArrayList<>();
        List<RecordDamage> damaged = new ArrayList<>();
        long start = System.nanoTime();
        for (Manifest m : table.liveManifests()) {
            RecordDamage d = new RecordDamage(m);
            for (int s = 0; s < m.stripeCount(); s++) {
                int shardLen = m.shardLength(s);
                List<Manifest.ShardRef> refs = m.stripe(s);
                for (int i = 0; i < refs.size(); i++) {
                    Manifest.ShardRef ref = refs.get(i);
                    ShardLocation loc = new ShardLocation(m.recordCid(), s, i, ref.nodeId());
                    Optional<byte[]> got = readFromHealthyNode(ref);
                    checked++;
                    if (got.isEmpty()) {
                        missing.add(loc);
                        d.add(s, i);
                        continue;
                    }
                    byte[] b = got.get();
                    bytes += b.length;
                    if (b.length != shardLen || !ref.cid().matches(b)) {
                        corrupt.add(loc);
                        d.add(s, i);
                    }
                    throttle(start, bytes);
                }
            }
            if (!d.isEmpty()) {
                damaged.add(d);
            }
        }
        return new ScrubReport(checked, bytes, corrupt, missing, repairer.rebuild(damaged));
    }

    /** The shard's stored bytes; empty if its node is unknown, down, fails or holds none. */
    private Optional<byte[]> readFromHealthyNode(Manifest.ShardRef ref) {
        StorageNode node = nodes.get(ref.nodeId());
        if (node == null || !nodes.isUp(node.id())) {
            return Optional.empty();
        }
        try {
            return nodes.read(node, ref.cid());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void throttle(long startNanos, long bytesSoFar) throws IOException {
        if (bytesPerSecond == Long.MAX_VALUE) {
            return;
        }
        long dueNanos = (long) (bytesSoFar * 1e9 / bytesPerSecond);
        long sleep = dueNanos - (System.nanoTime() - startNanos);
        if (sleep > 0) {
            try {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("scrub interrupted");
            }
        }
    }
}
