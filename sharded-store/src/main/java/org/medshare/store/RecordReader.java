package org.medshare.store;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.medshare.store.erasure.ReedSolomon;

/**
 * Reads records back from their shards. Every shard is verified against its CID as it is fetched;
 * a missing, unreachable or corrupt shard counts as an erasure and is decoded around from any k
 * good shards of its stripe, and the record's hash is checked when its stream ends. Records found
 * damaged are remembered as suspects for the next repair. A stream fetches the next stripe's
 * shards while the current one is consumed (two stripes in memory at a time). Thread-safe.
 */
final class RecordReader {
    private final StoreNodes nodes;
    private final IoPool pool;
    private final Set<Cid> suspects = ConcurrentHashMap.newKeySet();
    private final AtomicLong corruptShardsRead = new AtomicLong();

    RecordReader(StoreNodes nodes, IoPool pool) {
        this.nodes = nodes;
        this.pool = pool;
    }

    /**
     * A stream of the record's bytes, holding one stripe at a time. It throws {@link IOException} if
     * a stripe has fewer than k good shards, and at its end if the record does not hash to its CID.
     */
    InputStream open(Manifest manifest) {
        return new RecordInputStream(manifest);
    }

    /**
     * The shard's bytes if its node holds them and they match the shard's CID and length; null
     * otherwise. An absent or corrupt shard makes {@code record} a suspect.
     */
    byte[] fetchVerified(Cid record, Manifest.ShardRef ref, int shardLength) {
        StorageNode node = nodes.get(ref.nodeId());
        if (node == null) {
            return null;
        }
        Optional<byte[]> got;
        try {
            got = nodes.read(node, ref.cid());
        } catch (IOException e) {
            return null;
        }
        if (got.isEmpty()) {
            suspects.add(record);
            return null;
        }
        byte[] b = got.get();
        if (b.length != shardLength || !ref.cid().matches(b)) {
            corruptShardsRead.incrementAndGet();
            suspects.add(record);
            return null;
        }
        return b;
    }

    /**
     * Fills in the shards of a stripe that are not {@code present} from the present ones.
     * Precondition: at least {@code dataShards} are present, each {@code shardLength} bytes.
     */
    static void decodeMissing(Manifest manifest, byte[][] shards, boolean[] present, int shardLength) {
        for (int i = 0; i < shards.length; i++) {
            if (!present[i]) {
                shards[i] = new byte[shardLength];
            }
        }
        ReedSolomon.create(manifest.dataShards(), manifest.totalShards()).decode(shards, present, 0, shardLength);
    }

    /** The records that reads found damaged and no repair has checked since. */
    Set<Cid> suspects() {
        return Set.copyOf(suspects);
    }

    /** Forgets {@code records} as suspects (a repair has checked them). */
    void clearSuspects(Set<Cid> records) {
        suspects.removeAll(records);
    }

    /** How many records wait as suspects. */
    int suspectCount() {
        return suspects.size();
    }

    /** Shards found corrupt by reads since the store was opened. */
    long corruptShardsRead() {
        return corruptShardsRead.get();
    }

    /** One stripe's first wave of fetches, started in the pool. */
    private static final class StripeFetch {
        final int stripe;
        final List<Integer> order;
        final List<Future<byte[]>> fetches;

        StripeFetch(int stripe, List<Integer> order, List<Future<byte[]>> fetches) {
            this.stripe = stripe;
            this.order = order;
            this.fetches = fetches;
        }

        /** Stops fetches not yet started (the stream was closed before reaching this stripe). */
        void cancel() {
            fetches.forEach(f -> f.cancel(false));
        }
    }

    /**
     * Starts fetching stripe s: the k preferred shards (data shards on healthy nodes first) in
     * parallel.
     */
    private StripeFetch startStripe(Manifest m, int s) {
        int shardLen = m.shardLength(s);
        int mn = m.totalShards();
        List<Manifest.ShardRef> refs = m.stripe(s);
        List<Integer> order = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < mn; i++) {
                boolean up = nodes.isUp(refs.get(i).nodeId());
                if ((pass == 0) == up) {
                    order.add(i);
                }
            }
        }
        int wave = Math.min(m.dataShards(), order.size());
        List<Future<byte[]>> fetches = new ArrayList<>(wave);
        for (int w = 0; w < wave; w++) {
            Manifest.ShardRef ref = refs.get(order.get(w));
            fetches.add(pool.submit(() -> fetchVerified(m.recordCid(), ref, shardLen)));
        }
        return new StripeFetch(s, order, fetches);
    }

    /**
     * Finishes reading a stripe: waits for its first wave, then fetches the rest one at a time
     * until k good shards are in hand, and returns its k data shards (decoded if needed).
     */
    private byte[][] finishStripe(Manifest m, StripeFetch f) throws IOException {
        int s = f.stripe;
        int shardLen = m.shardLength(s);
        int mk = m.dataShards();
        int mn = m.totalShards();
        List<Manifest.ShardRef> refs = m.stripe(s);
        List<Integer> order = f.order;
        List<Future<byte[]>> fetches = f.fetches;
        int wave = fetches.size();
        byte[][] shards = new byte[mn][];
        boolean[] present = new boolean[mn];
        int good = 0;
        for (int w = 0; w < wave; w++) {
            byte[] b = IoPool.await(fetches.get(w));
            if (b != null) {
                shards[order.get(w)] = b;
                present[order.get(w)] = true;
                good++;
            }
        }
        for (int w = wave; w < order.size() && good < mk; w++) {
            int i = order.get(w);
            byte[] b = fetchVerified(m.recordCid(), refs.get(i), shardLen);
            if (b != null) {
                shards[i] = b;
                present[i] = true;
                good++;
            }
        }
        if (good < mk) {
            throw new IOException("record " + m.recordCid() + " stripe " + s + ": only " + good + " of " + mk
                    + " needed shards are readable");
        }
        boolean needDecode = false;
        for (int i = 0; i < mk; i++) {
            needDecode |= !present[i];
        }
        if (needDecode) {
            decodeMissing(m, shards, present, shardLen);
        }
        return Arrays.copyOf(shards, mk);
    }

    private final class RecordInputStream extends InputStream {
        private final Manifest m;
        private final MessageDigest digest = Cid.sha256();
        private int stripe = -1;
        private byte[][] data;
        private int shardLen;
        private int stripeLen;
        private int pos;
        private boolean verified;
        private StripeFetch ahead;

        RecordInputStream(Manifest m) {
            this.m = m;
        }

        private boolean ensure() throws IOException {
            while (data == null || pos == stripeLen) {
                if (stripe + 1 >= m.stripeCount()) {
                    if (!verified) {
                        if (!MessageDigest.isEqual(
                                digest.digest(), m.recordCid().digest())) {
                            throw new IOException("record " + m.recordCid() + " does not match its CID");
                        }
                        verified = true;
                    }
                    return false;
                }
                stripe++;
                StripeFetch current = ahead != null ? ahead : startStripe(m, stripe);
                // read-ahead: the next stripe's fetches run while this one is finished and consumed
                ahead = stripe + 1 < m.stripeCount() ? startStripe(m, stripe + 1) : null;
                data = finishStripe(m, current);
                shardLen = m.shardLength(stripe);
                stripeLen = m.stripeLength(stripe);
                pos = 0;
            }
            return true;
        }

        @Override
        public void close() {
            if (ahead != null) {
                ahead.cancel();
                ahead = null;
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r = read(one, 0, 1);
            return r == -1 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (!ensure()) {
                return -1;
            }
            int done = 0;
            while (done < len && ensure()) {
                int j = pos / shardLen;
                int within = pos % shardLen;
                int c = Math.min(len - done, Math.min(shardLen - within, stripeLen - pos));
                System.arraycopy(data[j], within, b, off + done, c);
                digest.update(data[j], within, c);
                pos += c;
                done += c;
            }
            return done;
        }
    }
}
