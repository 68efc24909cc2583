package org.medshare.store;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

  private final Clock clock;
  private final StoreNodes nodes;
  private final IoPool pool;
  private final RecordTable table;
  private final RecordReader reader;
  private final GarbageCollector garbage;
  private final ReedSolomon coder;
  private final int k;
  private final int n;
  private final int shardSize;
  private final long scrubBytesPerSecond;
  private final Object rebuildLock = new Object();

  private ShardStore(Builder b) throws IOException {
    this.clock = b.clock;
    this.nodes = new StoreNodes(b.nodes, b.failureThreshold);
    this.table = new RecordTable(b.catalog, b.quotas, nodes);
    this.pool = new IoPool(b.threads > 0 ? b.threads : Math.min(2 * b.n, 32));
    this.reader = new RecordReader(nodes, pool);
    this.coder = ReedSolomon.create(b.k, b.n);
    this.k = b.k;
    this.n = b.n;
    this.shardSize = b.shardSize;
    this.scrubBytesPerSecond = b.scrubBytesPerSecond;
    this.garbage = new GarbageCollector(table, nodes, clock, b.tombstoneGrace);
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
    String putKey = Long.toHexString(ThreadLocalRandom.current().nextLong()) + Long.toHexString(System.nanoTime());
    MessageDigest recordDigest = Cid.sha256();
    byte[][][] buffers = new byte[2][][];
    StripeWrite inFlight = null;
    byte[] relayout = null;
    List<List<Manifest.ShardRef>> stripes = new ArrayList<>();
    ShardWrites writes = table.startWrites();
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
          spreadShortStripe(shards, len, shardLen, relayout);
        }
        coder.encode(shards, 0, shardLen);
        long need = (long) n * shardLen;
        table.reserve(owner, need);
        reservedHere += need;
        // Pipeline: stripe s is written while stripe s + 1 is read, hashed and encoded into the
        // other buffer; a buffer is reused only after its stripe's writes have finished.
        StripeWrite started = startStripe(putKey + "/" + s, shards, shardLen, writes);
        if (inFlight != null) {
          StripeWrite previous = inFlight;
          inFlight = started;
          stripes.add(finishStripe(previous, writes));
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
        stripes.add(finishStripe(last, writes));
      }
      Cid recordCid = Cid.fromDigest(recordDigest.digest());
      Manifest manifest = new Manifest(recordCid, total, k, n, shardSize, stripes);
      Manifest stored = table.commitPut(owner, manifest, reservedHere, writes, clock.instant());
      committed = true;
      return stored;
    } finally {
      if (inFlight != null) {
        inFlight.drain();
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

  private StripeWrite startStripe(String key, byte[][] shards, int shardLen, ShardWrites writes)
      throws IOException {
    List<StorageNode> candidates = nodes.upExcept(Set.of());
    if (candidates.isEmpty()) {
      throw new IOException("no healthy storage node");
    }
    StripeWrite w = new StripeWrite(key, shards, shardLen, RendezvousPlacement.place(key, n, candidates));
    for (int i = 0; i < n; i++) {
      final int index = i;
      w.futures.add(pool.submit(() -> {
        w.cids[index] = Cid.of(shards[index], 0, shardLen);
        return writes.write(nodes.get(w.targets.get(index)), w.cids[index], shards[index], shardLen);
      }));
    }
    return w;
  }

  /**
   * Waits for a stripe's writes and stores each failed shard on another healthy node.
   *
   * @return the stripe's n shard references
   * @throws IOException if a shard cannot be stored on any healthy node
   */
  private List<Manifest.ShardRef> finishStripe(StripeWrite w, ShardWrites writes) throws IOException {
    boolean[] ok = new boolean[n];
    for (int i = 0; i < n; i++) {
      ok[i] = IoPool.await(w.futures.get(i));
    }
    Manifest.ShardRef[] refs = new Manifest.ShardRef[n];
    Set<String> usedDomains = new HashSet<>();
    for (int i = 0; i < n; i++) {
      if (ok[i]) {
        refs[i] = new Manifest.ShardRef(w.cids[i], w.targets.get(i));
        usedDomains.add(nodes.get(w.targets.get(i)).failureDomain());
      }
    }
    for (int i = 0; i < n; i++) {
      if (ok[i]) {
        continue;
      }
      StorageNode alt = writes.writeToBestOther(w.key, i, new HashSet<>(w.targets), Set.of(), usedDomains,
          w.cids[i], w.shards[i], w.shardLen);
      if (alt == null) {
        throw new IOException("could not store shard " + i + " of stripe "
            + w.key.substring(w.key.indexOf('/') + 1) + ": no healthy node left");
      }
      refs[i] = new Manifest.ShardRef(w.cids[i], alt.id());
      usedDomains.add(alt.failureDomain());
    }
    return Arrays.asList(refs);
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
    return garbage.collect();
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
    List<RecordDamage> damaged = new ArrayList<>();
    Set<Cid> verifyFully = reader.suspects();
    for (Manifest m : table.liveManifests()) {
      boolean full = verifyFully.contains(m.recordCid());
      RecordDamage d = new RecordDamage(m);
      for (int s = 0; s < m.stripeCount(); s++) {
        List<Manifest.ShardRef> refs = m.stripe(s);
        for (int i = 0; i < refs.size(); i++) {
          boolean ok = full
              ? reader.fetchVerified(m.recordCid(), refs.get(i), m.shardLength(s)) != null
              : existsOnHealthyNode(refs.get(i));
          if (!ok) {
            d.add(s, i);
          }
        }
      }
      if (!d.isEmpty()) {
        damaged.add(d);
      }
    }
    reader.clearSuspects(verifyFully);
    return rebuild(damaged);
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

  /** Rebuilds the damaged shards of every record in {@code damaged}, fewest spare shards first. */
  private RepairReport rebuild(Collection<RecordDamage> damaged) throws IOException {
    List<RecordDamage> order = new ArrayList<>(damaged);
    order.sort(Comparator.comparingInt(RecordDamage::spare).thenComparing(d -> d.manifest().recordCid()));
    synchronized (rebuildLock) {
      List<RepairReport.RecordRepair> out = new ArrayList<>();
      int rebuiltTotal = 0;
      int unrecoverable = 0;
      for (RecordDamage d : order) {
        RepairReport.RecordRepair repaired = rebuildRecord(d);
        out.add(repaired);
        rebuiltTotal += repaired.rebuilt();
        if (!repaired.recovered()) {
          unrecoverable++;
        }
      }
      return new RepairReport(out, rebuiltTotal, unrecoverable);
    }
  }

  private RepairReport.RecordRepair rebuildRecord(RecordDamage d) throws IOException {
    Manifest m = d.manifest();
    ShardWrites writes = table.startWrites();
    int rebuilt = 0;
    boolean recovered = true;
    for (Map.Entry<Integer, Set<Integer>> e : d.byStripe().entrySet()) {
      int s = e.getKey();
      Set<Integer> bad = e.getValue();
      int shardLen = m.shardLength(s);
      byte[][] shards = readGoodShards(m, s, bad);
      if (shards == null) {
        recovered = false;
        continue;
      }
      for (int i : bad) {
        Manifest.ShardRef ref = m.stripe(s).get(i);
        if (!ref.cid().matches(shards[i], 0, shardLen)) {
          recovered = false;
          continue;
        }
        String placed = writeRebuilt(m, s, i, shards[i], shardLen, bad, writes);
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
    table.commitRepair(m, writes);
    return new RepairReport.RecordRepair(m.recordCid(), d.spare(), rebuilt, recovered);
  }

  /** Stripe s decoded from its first k good shards outside {@code bad}; null if fewer are good. */
  private byte[][] readGoodShards(Manifest m, int s, Set<Integer> bad) {
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
      return null;
    }
    RecordReader.decodeMissing(m, shards, present, shardLen);
    return shards;
  }

  /**
   * Writes a rebuilt shard to its own node if healthy, else to the best healthy node outside the
   * nodes and failure domains the stripe's good shards use. Returns the node id, or null.
   */
  private String writeRebuilt(Manifest m, int s, int i, byte[] data, int len, Set<Integer> bad,
      ShardWrites writes) {
    Manifest.ShardRef ref = m.stripe(s).get(i);
    StorageNode home = nodes.get(ref.nodeId());
    Set<String> tried = new HashSet<>();
    if (home != null && nodes.isUp(home.id())) {
      tried.add(home.id());
      if (writes.write(home, ref.cid(), data, len)) {
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
    StorageNode target = writes.writeToBestOther(m.recordCid() + "/" + s, i, tried, usedNodes, usedDomains,
        ref.cid(), data, len);
    return target == null ? null : target.id();
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
    return new ScrubReport(checked, bytes, corrupt, missing, rebuild(damaged));
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
        throw new InterruptedIOException("scrub interrupted");
      }
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
