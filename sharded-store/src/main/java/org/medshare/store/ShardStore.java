package org.medshare.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
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
 *       there are enough ({@link RendezvousPlacement}). Losing any n - k nodes loses nothing; a
 *       record is never whole on one node when n > 1 nodes exist and the record spans k > 1 shards.
 *   <li><b>Content addressing.</b> Records and shards are named by CIDv1 ({@link Cid}); every shard
 *       read is re-hashed and a mismatch is treated as an erasure; the record hash is checked at
 *       the end of every read.
 *   <li><b>Atomic put.</b> The catalog entry is committed only after all n shards of every stripe
 *       are durable. A put that fails (backend error, quota, bad input, exception from the stream)
 *       commits nothing, releases its quota reservation and deletes the shards it wrote; shards
 *       left by a crashed process are removed by {@link #collectGarbage()}.
 *   <li><b>Streaming.</b> Put and get hold one stripe ({@code n * shardSize} bytes) at a time.
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

  private final StoreNodes nodes;
  private final ManifestCatalog catalog;
  private final ReedSolomon coder;
  private final int k;
  private final int n;
  private final int shardSize;
  private final QuotaPolicy quotas;
  private final Clock clock;
  private final Duration tombstoneGrace;
  private final long scrubBytesPerSecond;
  private final IoPool pool;
  private final RecordReader reader;

  private final Object lock = new Object();
  private final Map<Cid, CatalogEntry> entries = new HashMap<>();
  private final Map<String, Map<Cid, Integer>> shardRefs = new HashMap<>();
  private final Map<String, Map<Cid, Integer>> pending = new HashMap<>();
  private final Map<String, Long> committedUsage = new HashMap<>();
  private final Map<String, Long> reserved = new HashMap<>();

  private ShardStore(Builder b, ManifestCatalog catalog) throws IOException {
    this.nodes = new StoreNodes(b.nodes, b.failureThreshold);
    this.catalog = catalog;
    this.coder = ReedSolomon.create(b.k, b.n);
    this.k = b.k;
    this.n = b.n;
    this.shardSize = b.shardSize;
    this.quotas = b.quotas;
    this.clock = b.clock;
    this.tombstoneGrace = b.tombstoneGrace;
    this.scrubBytesPerSecond = b.scrubBytesPerSecond;
    this.pool = new IoPool(b.threads > 0 ? b.threads : Math.min(2 * n, 32));
    this.reader = new RecordReader(nodes, pool);
    for (CatalogEntry e : catalog.loadAll()) {
      entries.put(e.manifest().recordCid(), e);
      addRefs(e.manifest());
      chargeAll(e, +1);
    }
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

    private Builder() {}

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
      if (bytesPerSecond < 1) {
        throw new IllegalArgumentException("scrub rate must be positive");
      }
      this.scrubBytesPerSecond = bytesPerSecond;
      return this;
    }

    /** Consecutive failures after which a node is marked down (default 3). */
    public Builder failureThreshold(int failures) {
      if (failures < 1) {
        throw new IllegalArgumentException("failure threshold must be at least 1");
      }
      this.failureThreshold = failures;
      return this;
    }

    /** I/O threads (default min(2n, 32): two stripes of a put are in flight at once). */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be positive");
      }
      this.threads = threads;
      return this;
    }

    /**
     * Opens the store, loading the catalog.
     *
     * @throws IllegalArgumentException if no nodes or catalog were given or node ids repeat
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
      return new ShardStore(this, catalog);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // put

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
    String putKey = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    MessageDigest recordDigest = Cid.sha256();
    byte[][][] buffers = new byte[2][][];
    StripeWrite inFlight = null;
    byte[] relayout = null;
    List<List<Manifest.ShardRef>> stripes = new ArrayList<>();
    List<Manifest.ShardRef> written = java.util.Collections.synchronizedList(new ArrayList<>());
    long reservedHere = 0;
    long total = 0;
    boolean committed = false;
    try {
      int stripeBytes = k * shardSize;
      for (int s = 0; ; s++) {
        if (buffers[s % 2] == null) {
          buffers[s % 2] = new byte[n][shardSize];
        }
        byte[][] shards = buffers[s % 2];
        int len = 0;
        for (int j = 0; j < k; j++) {
          int got = content.readNBytes(shards[j], 0, shardSize);
          recordDigest.update(shards[j], 0, got);
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
        coder.encode(shards, 0, shardLen);
        long need = (long) n * shardLen;
        reserve(owner, need);
        reservedHere += need;
        // Pipeline: stripe s is written while stripe s + 1 is read, hashed and encoded into the
        // other buffer; a buffer is reused only after its stripe's writes have finished.
        StripeWrite started = startStripe(putKey + "/" + s, shards, shardLen, written);
        if (inFlight != null) {
          StripeWrite previous = inFlight;
          inFlight = started;
          stripes.add(finishStripe(previous, written));
        } else {
          inFlight = started;
        }
        if (len < stripeBytes) {
          break;
        }
      }
      if (inFlight != null) {
        StripeWrite last = inFlight;
        inFlight = null;
        stripes.add(finishStripe(last, written));
      }
      Cid recordCid = Cid.fromDigest(recordDigest.digest());
      Manifest manifest = new Manifest(recordCid, total, k, n, shardSize, stripes);
      synchronized (lock) {
        CatalogEntry existing = entries.get(recordCid);
        CatalogEntry next = existing != null
            ? existing.withReference(owner, +1, clock.instant())
            : new CatalogEntry(manifest, Map.of(owner, 1), null);
        catalog.commit(next);
        committed = true;
        entries.put(recordCid, next);
        if (existing == null) {
          addRefs(manifest);
        }
        charge(owner, next.manifest().storedBytes());
        release(owner, reservedHere);
        reservedHere = 0;
        unpendAndDeleteUnreferenced(written);
        return next.manifest();
      }
    } finally {
      if (inFlight != null) {
        inFlight.drain();
      }
      if (!committed) {
        synchronized (lock) {
          release(owner, reservedHere);
          unpendAndDeleteUnreferenced(written);
        }
      }
    }
  }

  private static void checkOwner(String owner) {
    if (owner == null || owner.isEmpty() || owner.length() > 256) {
      throw new IllegalArgumentException("owner must be 1 to 256 characters");
    }
  }

  private void reserve(String owner, long bytes) throws QuotaExceededException {
    synchronized (lock) {
      long limit = quotas.limitBytes(owner);
      long used = committedUsage.getOrDefault(owner, 0L) + reserved.getOrDefault(owner, 0L);
      if (used + bytes > limit || used + bytes < 0) {
        throw new QuotaExceededException(owner, limit, used + bytes);
      }
      reserved.merge(owner, bytes, Long::sum);
    }
  }

  private void release(String owner, long bytes) {
    if (bytes != 0) {
      reserved.merge(owner, -bytes, Long::sum);
      if (reserved.get(owner) == 0) {
        reserved.remove(owner);
      }
    }
  }

  private void charge(String owner, long bytes) {
    committedUsage.merge(owner, bytes, Long::sum);
    if (committedUsage.get(owner) == 0) {
      committedUsage.remove(owner);
    }
  }

  private void chargeAll(CatalogEntry e, int sign) {
    long bytes = e.manifest().storedBytes();
    e.references().forEach((owner, count) -> charge(owner, sign * bytes * count));
  }

  /** Must hold the lock. Removes the put's pending marks; deletes shards no committed record uses. */
  private void unpendAndDeleteUnreferenced(List<Manifest.ShardRef> written) {
    List<Manifest.ShardRef> copy;
    synchronized (written) {
      copy = new ArrayList<>(written);
      written.clear();
    }
    for (Manifest.ShardRef ref : copy) {
      adjust(pending, ref.nodeId(), ref.cid(), -1);
    }
    for (Manifest.ShardRef ref : copy) {
      if (!isReferenced(ref.nodeId(), ref.cid())) {
        try {
          nodes.get(ref.nodeId()).backend().delete(ref.cid());
        } catch (IOException | RuntimeException e) {
          // left as an orphan; collectGarbage() removes it later
        }
      }
    }
  }

  private boolean isReferenced(String nodeId, Cid cid) {
    return shardRefs.getOrDefault(nodeId, Map.of()).containsKey(cid)
        || pending.getOrDefault(nodeId, Map.of()).containsKey(cid);
  }

  private static void adjust(Map<String, Map<Cid, Integer>> map, String nodeId, Cid cid, int delta) {
    Map<Cid, Integer> m = map.computeIfAbsent(nodeId, x -> new HashMap<>());
    int v = m.getOrDefault(cid, 0) + delta;
    if (v <= 0) {
      m.remove(cid);
    } else {
      m.put(cid, v);
    }
  }

  private void addRefs(Manifest m) {
    for (int s = 0; s < m.stripeCount(); s++) {
      for (Manifest.ShardRef ref : m.stripe(s)) {
        adjust(shardRefs, ref.nodeId(), ref.cid(), +1);
      }
    }
  }

  private void removeRefs(Manifest m) {
    for (int s = 0; s < m.stripeCount(); s++) {
      for (Manifest.ShardRef ref : m.stripe(s)) {
        adjust(shardRefs, ref.nodeId(), ref.cid(), -1);
      }
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

    StripeWrite(String key, byte[][] shards, int shardLen, List<String> targets) {
      this.key = key;
      this.shards = shards;
      this.shardLen = shardLen;
      this.targets = targets;
    }

    /** Waits for every write, ignoring failures (used when the put is abandoned). */
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

  private StripeWrite startStripe(String key, byte[][] shards, int shardLen,
      List<Manifest.ShardRef> written) throws IOException {
    List<StorageNode> candidates = nodes.upExcept(Set.of());
    if (candidates.isEmpty()) {
      throw new IOException("no healthy storage node");
    }
    StripeWrite w = new StripeWrite(key, shards, shardLen, RendezvousPlacement.place(key, n, candidates));
    for (int i = 0; i < n; i++) {
      final int index = i;
      w.futures.add(pool.submit(() -> {
        w.cids[index] = Cid.of(shards[index], 0, shardLen);
        return tryPut(nodes.get(w.targets.get(index)), w.cids[index], shards[index], shardLen, written);
      }));
    }
    return w;
  }

  private List<Manifest.ShardRef> finishStripe(StripeWrite w, List<Manifest.ShardRef> written)
      throws IOException {
    String key = w.key;
    byte[][] shards = w.shards;
    int shardLen = w.shardLen;
    List<String> targets = w.targets;
    Cid[] cids = w.cids;
    List<Future<Boolean>> futures = w.futures;
    boolean[] ok = new boolean[n];
    for (int i = 0; i < n; i++) {
      ok[i] = IoPool.await(futures.get(i));
    }
    Manifest.ShardRef[] refs = new Manifest.ShardRef[n];
    Set<String> usedNodes = new HashSet<>(targets);
    Set<String> usedDomains = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (ok[i]) {
        refs[i] = new Manifest.ShardRef(cids[i], targets.get(i));
        usedDomains.add(nodes.get(targets.get(i)).failureDomain());
      }
    }
    for (int i = 0; i < n; i++) {
      if (ok[i]) {
        continue;
      }
      Set<String> tried = new HashSet<>(usedNodes);
      while (refs[i] == null) {
        List<StorageNode> rest = nodes.upExcept(tried);
        if (rest.isEmpty()) {
          throw new IOException("could not store shard " + i + " of stripe " + key.substring(key.indexOf('/') + 1)
              + ": no healthy node left");
        }
        StorageNode alt = RendezvousPlacement.choose(key, i, rest, Set.of(), usedDomains);
        tried.add(alt.id());
        if (tryPut(alt, cids[i], shards[i], shardLen, written)) {
          refs[i] = new Manifest.ShardRef(cids[i], alt.id());
          usedDomains.add(alt.failureDomain());
        }
      }
    }
    return Arrays.asList(refs);
  }

  private boolean tryPut(StorageNode node, Cid cid, byte[] data, int len, List<Manifest.ShardRef> written) {
    Manifest.ShardRef ref = new Manifest.ShardRef(cid, node.id());
    synchronized (lock) {
      adjust(pending, node.id(), cid, +1);
      written.add(ref);
    }
    return nodes.write(node, cid, data, len);
  }

  // ---------------------------------------------------------------------------------------------
  // get

  /** The manifest of a live record. */
  public Optional<Manifest> manifest(Cid record) {
    synchronized (lock) {
      CatalogEntry e = entries.get(record);
      return e != null && e.isLive() ? Optional.of(e.manifest()) : Optional.empty();
    }
  }

  /** CIDs of all live records, sorted. */
  public List<Cid> records() {
    synchronized (lock) {
      List<Cid> out = new ArrayList<>();
      for (CatalogEntry e : entries.values()) {
        if (e.isLive()) {
          out.add(e.manifest().recordCid());
        }
      }
      out.sort(Comparator.naturalOrder());
      return out;
    }
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

  // ---------------------------------------------------------------------------------------------
  // delete and garbage collection

  /**
   * Drops one of {@code owner}'s references to the record. When no reference remains the record is
   * tombstoned: unreadable at once, purged by {@link #collectGarbage()} after the grace period,
   * revived if the same content is put again before that.
   *
   * @return false (and nothing changes) if the owner holds no reference to a live record
   */
  public boolean delete(String owner, Cid record) throws IOException {
    checkOwner(owner);
    synchronized (lock) {
      CatalogEntry e = entries.get(record);
      if (e == null || !e.isLive() || !e.references().containsKey(owner)) {
        return false;
      }
      CatalogEntry next = e.withReference(owner, -1, clock.instant());
      catalog.commit(next);
      entries.put(record, next);
      charge(owner, -e.manifest().storedBytes());
      return true;
    }
  }

  /**
   * Purges tombstoned records older than the grace period and deletes every shard that no
   * committed record references and no put in progress is writing (orphans of failed or
   * interrupted puts, stale copies left by repair), and, when no put is in progress, the partial
   * temporary files a crash left on the nodes. Skips nodes that are down or fail.
   */
  public GcReport collectGarbage() throws IOException {
    int purged = 0;
    Instant now = clock.instant();
    synchronized (lock) {
      for (CatalogEntry e : new ArrayList<>(entries.values())) {
        Optional<Instant> t = e.tombstonedAt();
        if (t.isPresent() && !t.get().plus(tombstoneGrace).isAfter(now)) {
          catalog.remove(e.manifest().recordCid());
          entries.remove(e.manifest().recordCid());
          removeRefs(e.manifest());
          purged++;
        }
      }
    }
    int deleted = 0;
    for (StorageNode node : nodes.all()) {
      if (!nodes.isUp(node.id())) {
        continue;
      }
      Set<Cid> stored;
      try {
        stored = node.backend().list();
      } catch (IOException | RuntimeException e) {
        nodes.health().recordFailure(node.id());
        continue;
      }
      for (Cid cid : stored) {
        synchronized (lock) {
          if (!isReferenced(node.id(), cid)) {
            try {
              if (node.backend().delete(cid)) {
                deleted++;
              }
            } catch (IOException | RuntimeException e) {
              nodes.health().recordFailure(node.id());
            }
          }
        }
      }
    }
    int temporaries = 0;
    synchronized (lock) {
      boolean putInProgress = false;
      for (Map<Cid, Integer> m : pending.values()) {
        putInProgress |= !m.isEmpty();
      }
      // Holding the lock keeps new shard writes from starting, so no live temporary is removed.
      if (!putInProgress) {
        for (StorageNode node : nodes.all()) {
          if (nodes.isUp(node.id())) {
            try {
              temporaries += node.backend().removeStaleTemporaries();
            } catch (IOException | RuntimeException e) {
              nodes.health().recordFailure(node.id());
            }
          }
        }
      }
    }
    return new GcReport(purged, deleted, temporaries);
  }

  /** Stored bytes charged to the owner: committed records plus puts in progress. */
  public long usage(String owner) {
    synchronized (lock) {
      return committedUsage.getOrDefault(owner, 0L) + reserved.getOrDefault(owner, 0L);
    }
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
    synchronized (lock) {
      Map<String, Integer> counts = new LinkedHashMap<>();
      for (String id : nodes.ids()) {
        Set<Cid> cids = new HashSet<>(shardRefs.getOrDefault(id, Map.of()).keySet());
        cids.addAll(pending.getOrDefault(id, Map.of()).keySet());
        counts.put(id, cids.size());
      }
      return counts;
    }
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

  // ---------------------------------------------------------------------------------------------
  // repair and scrub

  /**
   * Checks that every shard of every live record exists on a healthy node (records a read found
   * damaged are also re-hashed), rebuilds the missing or corrupt ones from any k good shards, and
   * writes them to their node if it is healthy, else to a healthy node in an unused failure domain.
   * Records with the fewest spare shards are repaired first.
   */
  public RepairReport repair() throws IOException {
    Map<Cid, Damage> damage = new LinkedHashMap<>();
    Set<Cid> verifyFully = reader.suspects();
    for (CatalogEntry e : liveEntries()) {
      Manifest m = e.manifest();
      boolean full = verifyFully.contains(m.recordCid());
      Damage d = new Damage(m);
      for (int s = 0; s < m.stripeCount(); s++) {
        List<Manifest.ShardRef> refs = m.stripe(s);
        for (int i = 0; i < refs.size(); i++) {
          Manifest.ShardRef ref = refs.get(i);
          boolean ok;
          if (full) {
            ok = reader.fetchVerified(m.recordCid(), ref, m.shardLength(s)) != null;
          } else {
            ok = existsOnHealthyNode(ref);
          }
          if (!ok) {
            d.add(s, i);
          }
        }
      }
      if (!d.isEmpty()) {
        damage.put(m.recordCid(), d);
      }
    }
    reader.clearSuspects(verifyFully);
    return rebuild(damage);
  }

  /**
   * Reads every shard of every live record at no more than the configured scrub rate, re-hashes it
   * against its CID, and repairs every record with a missing or corrupt shard.
   */
  public ScrubReport scrub() throws IOException {
    long checked = 0;
    long bytes = 0;
    List<ShardLocation> corrupt = new ArrayList<>();
    List<ShardLocation> missing = new ArrayList<>();
    Map<Cid, Damage> damage = new LinkedHashMap<>();
    long start = System.nanoTime();
    for (CatalogEntry e : liveEntries()) {
      Manifest m = e.manifest();
      Damage d = new Damage(m);
      for (int s = 0; s < m.stripeCount(); s++) {
        int shardLen = m.shardLength(s);
        List<Manifest.ShardRef> refs = m.stripe(s);
        for (int i = 0; i < refs.size(); i++) {
          Manifest.ShardRef ref = refs.get(i);
          ShardLocation loc = new ShardLocation(m.recordCid(), s, i, ref.nodeId());
          StorageNode node = nodes.get(ref.nodeId());
          Optional<byte[]> got = Optional.empty();
          if (node != null && nodes.isUp(node.id())) {
            try {
              got = nodes.read(node, ref.cid());
            } catch (IOException ex) {
              // counted as missing
            }
          }
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
        damage.put(m.recordCid(), d);
      }
    }
    return new ScrubReport(checked, bytes, corrupt, missing, rebuild(damage));
  }

  private void throttle(long startNanos, long bytesSoFar) throws IOException {
    if (scrubBytesPerSecond == Long.MAX_VALUE) {
      return;
    }
    long dueNanos = (long) (bytesSoFar * 1e9 / scrubBytesPerSecond);
    long sleep = dueNanos - (System.nanoTime() - startNanos);
    if (sleep > 0) {
      try {
        Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("scrub interrupted");
      }
    }
  }

  private List<CatalogEntry> liveEntries() {
    synchronized (lock) {
      List<CatalogEntry> out = new ArrayList<>();
      for (CatalogEntry e : entries.values()) {
        if (e.isLive()) {
          out.add(e);
        }
      }
      out.sort(Comparator.comparing(e -> e.manifest().recordCid()));
      return out;
    }
  }

  private boolean existsOnHealthyNode(Manifest.ShardRef ref) {
    StorageNode node = nodes.get(ref.nodeId());
    if (node == null || !nodes.isUp(node.id())) {
      return false;
    }
    try {
      return nodes.exists(node, ref.cid());
    } catch (IOException e) {
      return false;
    }
  }

  /** Damaged shard indices per stripe of one record. */
  private static final class Damage {
    final Manifest manifest;
    final Map<Integer, Set<Integer>> byStripe = new TreeMap<>();

    Damage(Manifest manifest) {
      this.manifest = manifest;
    }

    void add(int stripe, int shard) {
      byStripe.computeIfAbsent(stripe, x -> new java.util.TreeSet<>()).add(shard);
    }

    boolean isEmpty() {
      return byStripe.isEmpty();
    }

    int spare() {
      int worst = 0;
      for (Set<Integer> s : byStripe.values()) {
        worst = Math.max(worst, s.size());
      }
      return manifest.totalShards() - manifest.dataShards() - worst;
    }
  }

  /**
   * Writes a rebuilt shard to its own node if healthy, else to the best healthy node outside the
   * nodes and failure domains the stripe's good shards use. Returns the node id, or null.
   */
  private String writeRebuilt(Manifest m, int s, int i, byte[] data, int len, Set<Integer> bad,
      List<Manifest.ShardRef> written) {
    Manifest.ShardRef ref = m.stripe(s).get(i);
    StorageNode home = nodes.get(ref.nodeId());
    Set<String> tried = new HashSet<>();
    if (home != null && nodes.isUp(home.id())) {
      tried.add(home.id());
      if (tryPut(home, ref.cid(), data, len, written)) {
        return home.id();
      }
    }
    Set<String> usedNodes = new HashSet<>();
    Set<String> usedDomains = new HashSet<>();
    for (int j = 0; j < m.totalShards(); j++) {
      if (j != i && !bad.contains(j)) {
        String id = m.stripe(s).get(j).nodeId();
        usedNodes.add(id);
        StorageNode node = nodes.get(id);
        if (node != null) {
          usedDomains.add(node.failureDomain());
        }
      }
    }
    while (true) {
      List<StorageNode> candidates = nodes.upExcept(tried);
      if (candidates.isEmpty()) {
        return null;
      }
      StorageNode target = RendezvousPlacement.choose(m.recordCid() + "/" + s, i, candidates, usedNodes, usedDomains);
      tried.add(target.id());
      if (tryPut(target, ref.cid(), data, len, written)) {
        return target.id();
      }
    }
  }

  private final Object repairLock = new Object();

  private RepairReport rebuild(Map<Cid, Damage> damage) throws IOException {
    synchronized (repairLock) {
      return rebuildLocked(damage);
    }
  }

  private RepairReport rebuildLocked(Map<Cid, Damage> damage) throws IOException {
    List<Damage> order = new ArrayList<>(damage.values());
    order.sort(Comparator.comparingInt(Damage::spare).thenComparing(d -> d.manifest.recordCid()));
    List<RepairReport.RecordRepair> out = new ArrayList<>();
    int rebuiltTotal = 0;
    int unrecoverable = 0;
    for (Damage d : order) {
      Manifest m = d.manifest;
      List<Manifest.ShardRef> written = java.util.Collections.synchronizedList(new ArrayList<>());
      int spare = d.spare();
      int rebuilt = 0;
      boolean recovered = true;
      for (Map.Entry<Integer, Set<Integer>> e : d.byStripe.entrySet()) {
        int s = e.getKey();
        Set<Integer> bad = e.getValue();
        int mk = m.dataShards();
        int mn = m.totalShards();
        int shardLen = m.shardLength(s);
        byte[][] shards = new byte[mn][];
        boolean[] present = new boolean[mn];
        int good = 0;
        for (int i = 0; i < mn && good < mk; i++) {
          if (bad.contains(i)) {
            continue;
          }
          byte[] b = reader.fetchVerified(m.recordCid(), m.stripe(s).get(i), shardLen);
          if (b != null) {
            shards[i] = b;
            present[i] = true;
            good++;
          }
        }
        if (good < mk) {
          recovered = false;
          continue;
        }
        RecordReader.decodeMissing(m, shards, present, shardLen);
        for (int i : bad) {
          Manifest.ShardRef ref = m.stripe(s).get(i);
          if (!ref.cid().matches(shards[i], 0, shardLen)) {
            recovered = false;
            continue;
          }
          String placed = writeRebuilt(m, s, i, shards[i], shardLen, bad, written);
          if (placed == null) {
            recovered = false;
            continue;
          }
          rebuilt++;
          if (!placed.equals(ref.nodeId())) {
            m = m.withPlacement(s, i, placed);
          }
        }
      }
      synchronized (lock) {
        CatalogEntry current = entries.get(m.recordCid());
        if (current != null && !m.equals(current.manifest())) {
          CatalogEntry next = current.withManifest(m);
          catalog.commit(next);
          entries.put(m.recordCid(), next);
          removeRefs(current.manifest());
          addRefs(m);
        }
        unpendAndDeleteUnreferenced(written);
      }
      out.add(new RepairReport.RecordRepair(m.recordCid(), spare, rebuilt, recovered));
      rebuiltTotal += rebuilt;
      if (!recovered) {
        unrecoverable++;
      }
    }
    return new RepairReport(out, rebuiltTotal, unrecoverable);
  }

  @Override
  public void close() {
    pool.close();
  }
}
