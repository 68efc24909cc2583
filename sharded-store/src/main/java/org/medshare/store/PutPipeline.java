package org.medshare.store;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.medshare.store.erasure.ReedSolomon;

/**
 * Stores one record: reads the content stripe by stripe ({@code k * shardSize} bytes), reserves the
 * owner's quota for each stripe and writes its n shards in parallel to distinct nodes chosen by
 * rendezvous placement. The calling thread reads and encodes the parity; the store's I/O threads
 * hash the record (stripe after stripe, in order), hash every shard (its CID) and write it. A
 * stripe's data shards start hashing and writing before its parity is encoded, and up to
 * {@value #STRIPES_IN_FLIGHT} stripes are in flight, so reading, hashing, encoding and the
 * devices' flushes overlap on all cores. A shard whose write fails goes to the next healthy node,
 * preferring an unused failure domain.
 *
 * <p>Guarantees: the record is committed in the {@link RecordTable} only after every shard of every
 * stripe is durable; a put that fails for any reason waits for the writes it started, commits
 * nothing, returns its reservation and deletes the shards it wrote. Memory:
 * {@value #STRIPES_IN_FLIGHT} stripes of n shards at a time. Thread-safe.
 */
final class PutPipeline {
    /** Stripes whose shards may be hashed and written at once; each holds a buffer of n shards. */
    static final int STRIPES_IN_FLIGHT = 3;

    private final RecordTable table;
    private final StoreNodes nodes;
    private final IoPool pool;
    private final Clock clock;
    private final ReedSolomon coder;
    private final int k;
    private final int n;
    private final int shardSize;

    PutPipeline(RecordTable table, StoreNodes nodes, IoPool pool, Clock clock, int k, int n, int shardSize) {
        this.table = table;
        this.nodes = nodes;
        this.pool = pool;
        this.clock = clock;
        this.coder = ReedSolomon.create(k, n);
        this.k = k;
        this.n = n;
        this.shardSize = shardSize;
    }

    /**
     * Stores the bytes of {@code content} (read to its end; not closed) for {@code owner}.
     *
     * @return the committed manifest
     * @throws QuotaExceededException if the owner's quota would be exceeded
     * @throws IOException if shards cannot be stored on enough nodes or the stream fails
     */
    Manifest put(String owner, InputStream content) throws IOException {
        String putKey = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
        MessageDigest recordDigest = Cid.sha256();
        byte[][][] buffers = new byte[STRIPES_IN_FLIGHT][][];
        ArrayDeque<StripeWrite> inFlight = new ArrayDeque<>(STRIPES_IN_FLIGHT);
        byte[] relayout = null;
        List<List<Manifest.ShardRef>> stripes = new ArrayList<>();
        ShardWrites writes = table.startWrites();
        // the record's digest is updated in the pool, stripe after stripe in order, off this thread
        CompletableFuture<Void> digested = CompletableFuture.completedFuture(null);
        long reservedHere = 0;
        long total = 0;
        boolean committed = false;
        try {
            int stripeBytes = k * shardSize;
            for (int s = 0; ; s++) {
                if (inFlight.size() == STRIPES_IN_FLIGHT) {
                    // the oldest stripe's buffer is the one this stripe reuses
                    stripes.add(finishStripe(inFlight.peekFirst(), writes));
                    inFlight.removeFirst();
                }
                if (buffers[s % STRIPES_IN_FLIGHT] == null) {
                    buffers[s % STRIPES_IN_FLIGHT] = new byte[n][shardSize];
                }
                byte[][] shards = buffers[s % STRIPES_IN_FLIGHT];
                int len = 0;
                for (int j = 0; j < k; j++) {
                    int got = content.readNBytes(shards[j], 0, shardSize);
                    len += got;
                    if (got < shardSize) {
                        break;
                    }
                }
                if (len == 0 && s > 0) {
                    break;
                }
                total += len;
                int shardLen = (len + k - 1) / k;
                if (len < stripeBytes) {
                    if (relayout == null) {
                        relayout = new byte[stripeBytes];
                    }
                    spreadShortStripe(shards, len, shardLen, relayout);
                }
                long need = (long) n * shardLen;
                table.reserve(owner, need);
                reservedHere += need;
                // The data shards are hashed and written in the pool while this thread encodes the parity
                // from the same (unchanged) bytes; the parity shards follow once encoded.
                StripeWrite w = startStripe(putKey + "/" + s, shards, shardLen);
                inFlight.addLast(w);
                int stripeLen = len;
                digested = pool.runAfter(digested, () -> digestStripe(recordDigest, shards, stripeLen, shardLen));
                w.digested = digested;
                w.submit(0, k, writes);
                coder.encode(shards, 0, shardLen);
                w.submit(k, n, writes);
                if (len < stripeBytes) {
                    break;
                }
            }
            while (!inFlight.isEmpty()) {
                stripes.add(finishStripe(inFlight.peekFirst(), writes));
                inFlight.removeFirst();
            }
            IoPool.await(digested);
            Cid recordCid = Cid.fromDigest(recordDigest.digest());
            Manifest manifest = new Manifest(recordCid, total, k, n, shardSize, stripes);
            Manifest stored = table.commitPut(owner, manifest, reservedHere, writes, clock.instant());
            committed = true;
            return stored;
        } finally {
            for (StripeWrite w : inFlight) {
                w.drain();
            }
            if (!committed) {
                table.abandonPut(owner, reservedHere, writes);
            }
        }
    }

    /**
     * Lays the {@code len} bytes read into the leading shards of a short (last) stripe out again
     * over all k data shards of {@code shardLen} bytes each, zero-padded.
     */
    private void spreadShortStripe(byte[][] shards, int len, int shardLen, byte[] relayout) {
        int copied = 0;
        for (int j = 0; j < k && copied < len; j++) {
            int c = Math.min(shardSize, len - copied);
            System.arraycopy(shards[j], 0, relayout, copied, c);
            copied += c;
        }
        for (int j = 0; j < k; j++) {
            int from = j * shardLen;
            int c = Math.max(0, Math.min(shardLen, len - from));
            if (c > 0) {
                System.arraycopy(relayout, from, shards[j], 0, c);
            }
            Arrays.fill(shards[j], c, shardLen, (byte) 0);
        }
    }

    /**
     * Adds a stripe's content to the record digest: after {@link #spreadShortStripe} the stripe's
     * {@code len} bytes lie in order over the data shards, {@code shardLen} bytes each at most.
     */
    private void digestStripe(MessageDigest recordDigest, byte[][] shards, int len, int shardLen) {
        for (int j = 0; j < k; j++) {
            int c = Math.max(0, Math.min(shardLen, len - j * shardLen));
            recordDigest.update(shards[j], 0, c);
        }
    }

    /** The writes of one stripe, started in the pool. */
    private final class StripeWrite {
        final String key;
        final byte[][] shards;
        final int shardLen;
        final List<String> targets;
        final Cid[] cids = new Cid[n];
        final List<Future<Boolean>> futures = new ArrayList<>(n);
        /** Done when the record digest covers this stripe (and every one before it). */
        CompletableFuture<Void> digested;

        StripeWrite(String key, byte[][] shards, int shardLen, List<String> targets) {
            this.key = key;
            this.shards = shards;
            this.shardLen = shardLen;
            this.targets = targets;
        }

        /** Starts hashing and writing shards {@code [from, to)} in the pool. */
        void submit(int from, int to, ShardWrites writes) {
            for (int i = from; i < to; i++) {
                final int index = i;
                futures.add(pool.submit(() -> {
                    cids[index] = Cid.of(shards[index], 0, shardLen);
                    return writes.write(nodes.get(targets.get(index)), cids[index], shards[index], shardLen);
                }));
            }
        }

        /** Waits for every write started, ignoring failures (used when the put is abandoned). */
        void drain() {
            for (Future<Boolean> f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException e) {
                    // abandoned anyway
                }
            }
        }
    }

    /** The stripe's placement over the healthy nodes; its writes start with {@link StripeWrite#submit}. */
    private StripeWrite startStripe(String key, byte[][] shards, int shardLen) throws IOException {
        List<StorageNode> candidates = nodes.upExcept(Set.of());
        int cap = nodes.maxShardsPerDomain();
        if (!RendezvousPlacement.feasible(n, candidates, cap)) {
            throw new IOException("no placement on the healthy storage nodes: "
                    + RendezvousPlacement.infeasibleReason(n, candidates, cap));
        }
        return new StripeWrite(key, shards, shardLen, RendezvousPlacement.place(key, n, candidates, cap));
    }

    /**
     * Waits for a stripe's writes and stores each failed shard on another healthy node.
     *
     * @return the stripe's n shard references
     * @throws IOException if a shard cannot be stored on any healthy node
     */
    private List<Manifest.ShardRef> finishStripe(StripeWrite w, ShardWrites writes) throws IOException {
        IoPool.await(w.digested);
        boolean[] ok = new boolean[n];
        for (int i = 0; i < n; i++) {
            ok[i] = IoPool.await(w.futures.get(i));
        }
        Manifest.ShardRef[] refs = new Manifest.ShardRef[n];
        List<String> stored = new ArrayList<>();
        Set<String> failed = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (ok[i]) {
                refs[i] = new Manifest.ShardRef(w.cids[i], w.targets.get(i));
                stored.add(w.targets.get(i));
            } else {
                failed.add(w.targets.get(i));
            }
        }
        for (int i = 0; i < n; i++) {
            if (ok[i]) {
                continue;
            }
            StorageNode alt = writes.writeToBestOther(
                    w.key,
                    i,
                    failed,
                    RendezvousPlacement.nodeUses(stored),
                    RendezvousPlacement.domainUses(stored, nodes),
                    w.cids[i],
                    w.shards[i],
                    w.shardLen);
            if (alt == null) {
                throw new IOException("could not store shard " + i + " of stripe "
                        + w.key.substring(w.key.indexOf('/') + 1)
                        + ": no healthy node left that keeps at most " + nodes.maxShardsPerDomain()
                        + " shards of a stripe in one failure domain");
            }
            refs[i] = new Manifest.ShardRef(w.cids[i], alt.id());
            stored.add(alt.id());
        }
        return Arrays.asList(refs);
    }
}
