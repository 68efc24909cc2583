package org.medshare.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.medshare.store.backend.LocalDirectoryBackend;
import org.medshare.store.erasure.ReedSolomon;

/**
 * The content-addressed, erasure-coded record store.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li><b>Erasure coding.</b> Every record is striped ({@link Manifest}) and each stripe coded
 *       RS(k, n); the n shards of a stripe go to distinct nodes in distinct failure domains when
 *       there are enough, and never more than {@link Builder#maxShardsPerDomain} to one domain
 *       ({@link RendezvousPlacement}). Losing any n - k nodes loses nothing; a
 *       record is never whole on one node when n > 1 nodes exist and the record spans k > 1 shards.
 *   <li><b>Content addressing.</b> Records and shards are named by CIDv1 ({@link Cid}); every shard
 *       read is re-hashed and a mismatch is treated as an erasure; the record hash is checked at
 *       the end of every read.
 *   <li><b>Atomic put.</b> The catalog entry is committed only after all n shards of every stripe
 *       are durable. A put that fails (backend error, quota, bad input, exception from the stream)
 *       commits nothing, releases its quota reservation and deletes the shards it wrote; shards
 *       left by a crashed process are removed by {@link #collectGarbage()}.
 *   <li><b>Streaming.</b> A put holds at most three stripes ({@code n * shardSize} bytes each) at
 *       a time, their shards hashed and written while the next stripe is read and encoded; a get
 *       holds two, fetching the next stripe while the current one is read.
 *   <li><b>Repair.</b> {@link #repair()} and {@link #scrub()} rebuild missing or corrupt shards from
 *       any k good ones, records with the fewest spare shards first, onto healthy nodes.
 *   <li><b>Deletion.</b> Owners hold reference counts; a record without references is tombstoned
 *       (unreadable at once) and its entry and shards are removed by {@link #collectGarbage()}
 *       after the grace period.
 *   <li><b>Quotas.</b> Each owner's committed plus in-flight stored bytes (shard bytes, so the n/k
 *       overhead counts) never exceed its {@link QuotaPolicy} limit.
 * </ul>
 *
 * <p>One instance owns its catalog and nodes: two processes must not open the same ones. Methods
 * are thread-safe. Close it to stop its I/O threads.
 */
public final class ShardStore implements Closeable {
    /** Default shard size of a full stripe: 1 MiB. */
    public static final int DEFAULT_SHARD_SIZE = 1 << 20;

    private final Clock clock;
    private final Duration tombstoneGrace;
    private final StoreNodes nodes;
    private final IoPool pool;
    private final RecordTable table;
    private final RecordReader reader;
    private final PutPipeline puts;
    private final Repairer repairer;
    private final Scrubber scrubber;
    private final GarbageCollector garbage;

    private ShardStore(Builder b) throws IOException {
        this.clock = b.clock;
        this.tombstoneGrace = b.tombstoneGrace;
        this.nodes = new StoreNodes(b.nodes, b.failureThreshold, b.maxShardsPerDomain);
        this.table = new RecordTable(b.catalog, b.quotas, nodes);
        this.pool = new IoPool(b.threads > 0 ? b.threads : Math.min(PutPipeline.STRIPES_IN_FLIGHT * b.n, 32));
        this.reader = new RecordReader(nodes, pool);
        this.puts = new PutPipeline(table, nodes, pool, clock, b.k, b.n, b.shardSize);
        this.repairer = new Repairer(table, nodes, reader);
        this.scrubber = new Scrubber(table, nodes, repairer, b.scrubBytesPerSecond);
        this.garbage = new GarbageCollector(table, nodes);
    }

    /** A builder; nodes and a catalog are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The embedded default: RS(4,2) over local directories, each its own node and failure domain
     * named after the directory, and a directory catalog.
     */
    public static ShardStore openLocal(Path catalogDir, List<Path> nodeDirs) throws IOException {
        Builder b = builder().catalog(new DirectoryCatalog(catalogDir));
        List<StorageNode> list = new ArrayList<>();
        for (Path dir : nodeDirs) {
            String id = dir.toAbsolutePath().normalize().getFileName().toString();
            list.add(new StorageNode(id, id, new LocalDirectoryBackend(dir)));
        }
        return b.nodes(list).build();
    }

    /** Configuration of a {@link ShardStore}. */
    public static final class Builder {
        private List<StorageNode> nodes = List.of();
        private ManifestCatalog catalog;
        private int k = 4;
        private int n = 6;
        private int shardSize = DEFAULT_SHARD_SIZE;
        private QuotaPolicy quotas = QuotaPolicy.unlimited();
        private Clock clock = Clock.systemUTC();
        private Duration tombstoneGrace = Duration.ofHours(24);
        private long scrubBytesPerSecond = 64L << 20;
        private int failureThreshold = 3;
        private int threads;
        private int maxShardsPerDomain = RendezvousPlacement.NO_CAP;

        private Builder() {}

        /**
         * The most shards of one stripe that one failure domain may hold (default: no limit). With
         * {@code n - k}, losing a whole domain loses nothing and no domain alone holds the k shards
         * that rebuild a stripe. Puts fail rather than break the limit when too few domains are up.
         */
        public Builder maxShardsPerDomain(int shards) {
            this.maxShardsPerDomain = (int) requirePositive(shards, "the shards per failure domain must be at least 1");
            return this;
        }

        /** The storage nodes (at least one; ids unique). */
        public Builder nodes(List<StorageNode> nodes) {
            this.nodes = List.copyOf(nodes);
            return this;
        }

        public Builder catalog(ManifestCatalog catalog) {
            this.catalog = Objects.requireNonNull(catalog);
            return this;
        }

        /** RS(k, n) for new records (default RS(4,6), that is 4 data + 2 parity). */
        public Builder coding(int k, int n) {
            ReedSolomon.create(k, n);
            this.k = k;
            this.n = n;
            return this;
        }

        /** Shard size of full stripes, 1 byte to 64 MiB (default 1 MiB). */
        public Builder shardSize(int bytes) {
            if (bytes < 1 || bytes > (64 << 20)) {
                throw new IllegalArgumentException("shard size must be 1 byte to 64 MiB");
            }
            this.shardSize = bytes;
            return this;
        }

        public Builder quotas(QuotaPolicy quotas) {
            this.quotas = Objects.requireNonNull(quotas);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** How long a tombstoned record's shards are kept before garbage collection (default 24 h). */
        public Builder tombstoneGrace(Duration grace) {
            if (grace.isNegative()) {
                throw new IllegalArgumentException("negative grace period");
            }
            this.tombstoneGrace = grace;
            return this;
        }

        /** Scrub read-rate limit in bytes per second (default 64 MiB/s); {@link Long#MAX_VALUE} for none. */
        public Builder scrubRate(long bytesPerSecond) {
            this.scrubBytesPerSecond = requirePositive(bytesPerSecond, "scrub rate must be positive");
            return this;
        }

        /** Consecutive failures after which a node is marked down (default 3). */
        public Builder failureThreshold(int failures) {
            this.failureThreshold = (int) requirePositive(failures, "failure threshold must be at least 1");
            return this;
        }

        /** I/O threads (default min(3n, 32): three stripes of a put are in flight at once). */
        public Builder threads(int threads) {
            this.threads = (int) requirePositive(threads, "threads must be positive");
            return this;
        }

        private static long requirePositive(long value, String refusal) {
            if (value < 1) {
                throw new IllegalArgumentException(refusal);
            }
            return value;
        }

        /**
         * Opens the store, loading the catalog.
         *
         * @throws IllegalArgumentException if no nodes or catalog were given, node ids repeat, or the
         *     nodes' failure domains cannot hold a stripe within {@link #maxShardsPerDomain}
         */
        public ShardStore build() throws IOException {
            if (nodes.isEmpty()) {
                throw new IllegalArgumentException("at least one storage node is required");
            }
            if (catalog == null) {
                throw new IllegalArgumentException("a manifest catalog is required");
            }
            if ((long) k * shardSize > (1L << 30)) {
                throw new IllegalArgumentException("a stripe (k x shard size) must not exceed 1 GiB");
            }
            if (!RendezvousPlacement.feasible(n, nodes, maxShardsPerDomain)) {
                throw new IllegalArgumentException("RS(" + k + "," + n + "): "
                        + RendezvousPlacement.infeasibleReason(n, nodes, maxShardsPerDomain));
            }
            return new ShardStore(this);
        }
    }

    /**
     * Stores the bytes of {@code content} (read to its end; not closed) for {@code owner}.
     *
     * @return the committed manifest (an existing record's manifest if the same content was stored
     *     before; the owner then holds one more reference)
     * @throws QuotaExceededException if the owner's quota would be exceeded; nothing is stored
     * @throws IOException if shards cannot be stored on enough nodes or the stream fails; nothing is
     *     stored
     * @throws IllegalArgumentException if the owner name is empty or longer than 256 characters
     */
    public Manifest put(String owner, InputStream content) throws IOException {
        checkOwner(owner);
        Objects.requireNonNull(content, "content");
        return puts.put(owner, content);
    }

    private static void checkOwner(String owner) {
        if (owner == null || owner.isEmpty() || owner.length() > 256) {
            throw new IllegalArgumentException("owner must be 1 to 256 characters");
        }
    }

    /** The manifest of a live record. */
    public Optional<Manifest> manifest(Cid record) {
        return table.liveManifest(record);
    }

    /** CIDs of all live records, sorted. */
    public List<Cid> records() {
        return table.liveManifests().stream().map(Manifest::recordCid).toList();
    }

    /**
     * Opens a live record for reading. Each shard is verified against its CID as it is fetched;
     * missing, unreachable or corrupt shards are decoded around. The stream throws
     * {@link IOException} if a stripe has fewer than k good shards, and at the end if the whole
     * record does not hash to its CID.
     *
     * @throws NoSuchRecordException if the record is not stored or is deleted
     */
    public InputStream get(Cid record) throws IOException {
        Manifest m = manifest(record).orElseThrow(() -> new NoSuchRecordException(record));
        return reader.open(m);
    }

    /** Shards found corrupt by reads since the store was opened. */
    public long corruptShardsDetectedOnRead() {
        return reader.corruptShardsRead();
    }

    /**
     * Drops one of {@code owner}'s references to the record. When no reference remains the record is
     * tombstoned: unreadable at once, purged by {@link #collectGarbage()} after the grace period,
     * revived if the same content is put again before that.
     *
     * @return false (and nothing changes) if the owner holds no reference to a live record
     */
    public boolean delete(String owner, Cid record) throws IOException {
        checkOwner(owner);
        return table.dropReference(owner, record, clock.instant());
    }

    /**
     * Purges tombstoned records older than the grace period and deletes every shard that no
     * committed record references and no put in progress is writing (orphans of failed or
     * interrupted puts, stale copies left by repair), and, when no put is in progress, the partial
     * temporary files a crash left on the nodes. Skips nodes that are down or fail.
     */
    public GcReport collectGarbage() throws IOException {
        return garbage.collect(clock.instant().minus(tombstoneGrace));
    }

    /** Stored bytes charged to the owner: committed records plus puts in progress. */
    public long usage(String owner) {
        return table.usage(owner);
    }

    /** Ids of the store's nodes, in the order they were configured. */
    public List<String> nodeIds() {
        return nodes.ids();
    }

    /**
     * Distinct shards the catalog places on each node (committed records and puts in progress), for
     * every configured node, in configuration order. Reads no backend.
     */
    public Map<String, Integer> shardCounts() {
        return table.shardCounts();
    }

    /**
     * Shard bytes of live records on each configured node, in configuration order (a node holding the
     * same shard for two records counts it once per record). Reads no backend.
     */
    public Map<String, Long> shardBytes() {
        Map<String, Long> bytes = new LinkedHashMap<>();
        for (String id : nodes.ids()) {
            bytes.put(id, 0L);
        }
        for (Manifest m : table.liveManifests()) {
            for (int s = 0; s < m.stripeCount(); s++) {
                long length = m.shardLength(s);
                for (Manifest.ShardRef ref : m.stripe(s)) {
                    bytes.computeIfPresent(ref.nodeId(), (id, sum) -> sum + length);
                }
            }
        }
        return bytes;
    }

    /** Records a read found damaged that wait for the next {@link #repair} or {@link #scrub}. */
    public int repairQueueSize() {
        return reader.suspectCount();
    }

    /** Node health as seen by this store. */
    public NodeHealth health() {
        return nodes.health();
    }

    /** Tries every down node ({@code list()}); marks up those that answer. Returns the ids marked up. */
    public Set<String> probeNodes() {
        return nodes.probe();
    }

    /**
     * Checks that every shard of every live record exists on a healthy node (records a read found
     * damaged are also re-hashed), rebuilds the missing or corrupt ones from any k good shards, and
     * writes them to their node if it is healthy, else to a healthy node in an unused failure domain.
     * Records with the fewest spare shards are repaired first.
     */
    public RepairReport repair() throws IOException {
        return repairer.repair();
    }

    /**
     * Reads every shard of every live record at no more than the configured scrub rate, re-hashes it
     * against its CID, and repairs every record with a missing or corrupt shard.
     */
    public ScrubReport scrub() throws IOException {
        return scrubber.scrub();
    }

    @Override
    public void close() {
        pool.close();
    }
}
