package org.medshare.store;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Where a record lives: its CID and length, the code RS(k, n), the stripe size, and for every
 * stripe the CID and node of each of its n shards.
 *
 * <p>Layout: the record is cut into stripes of {@code k * shardSize} bytes (the last one shorter);
 * a stripe of {@code L} bytes has shards of {@code ceil(L / k)} bytes, data shard j holding bytes
 * {@code [j * ceil(L/k), (j+1) * ceil(L/k))} of the stripe, zero-padded; shards k..n-1 are the
 * Reed-Solomon parity. An empty record has one stripe of n empty shards.
 *
 * <p>Wire format, version 1 (big-endian): magic {@code "MSMF"}, u8 version, 36-byte record CID,
 * i64 length, u8 k, u8 n, i32 shard size, i32 stripe count, then per stripe and per shard the
 * 36-byte shard CID and the node id as u16 length + UTF-8. Unknown versions are refused.
 *
 * <p>Immutable.
 */
public final class Manifest {
    /** The current wire-format version. */
    public static final int FORMAT_VERSION = 1;

    private static final byte[] MAGIC = {'M', 'S', 'M', 'F'};

    /** One shard: its content id and the node holding it. */
    public static final class ShardRef {
        private final Cid cid;
        private final String nodeId;

        public ShardRef(Cid cid, String nodeId) {
            this.cid = Objects.requireNonNull(cid);
            this.nodeId = Objects.requireNonNull(nodeId);
        }

        public Cid cid() {
            return cid;
        }

        public String nodeId() {
            return nodeId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ShardRef && ((ShardRef) o).cid.equals(cid) && ((ShardRef) o).nodeId.equals(nodeId);
        }

        @Override
        public int hashCode() {
            return cid.hashCode() * 31 + nodeId.hashCode();
        }

        @Override
        public String toString() {
            return cid + "@" + nodeId;
        }
    }

    private final Cid recordCid;
    private final long length;
    private final int k;
    private final int n;
    private final int shardSize;
    private final List<List<ShardRef>> stripes;

    /**
     * @throws IllegalArgumentException if the stripe count or shard counts do not match the length
     *     and code
     */
    public Manifest(Cid recordCid, long length, int k, int n, int shardSize, List<List<ShardRef>> stripes) {
        this.recordCid = Objects.requireNonNull(recordCid);
        if (length < 0 || k < 1 || n <= k || n > 255 || shardSize < 1) {
            throw new IllegalArgumentException("invalid manifest parameters");
        }
        this.length = length;
        this.k = k;
        this.n = n;
        this.shardSize = shardSize;
        long stripeBytes = (long) k * shardSize;
        long expected = Math.max(1, (length + stripeBytes - 1) / stripeBytes);
        if (stripes.size() != expected) {
            throw new IllegalArgumentException("expected " + expected + " stripes, got " + stripes.size());
        }
        List<List<ShardRef>> copy = new ArrayList<>(stripes.size());
        for (List<ShardRef> stripe : stripes) {
            if (stripe.size() != n) {
                throw new IllegalArgumentException("every stripe needs n = " + n + " shards");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(stripe)));
        }
        this.stripes = Collections.unmodifiableList(copy);
    }

    public Cid recordCid() {
        return recordCid;
    }

    /** Record length in bytes. */
    public long length() {
        return length;
    }

    /** k, data shards per stripe. */
    public int dataShards() {
        return k;
    }

    /** n, shards per stripe. */
    public int totalShards() {
        return n;
    }

    /** Shard size of a full stripe; a stripe holds {@code k * shardSize} record bytes. */
    public int shardSize() {
        return shardSize;
    }

    public int stripeCount() {
        return stripes.size();
    }

    /** The n shards of stripe {@code s}. */
    public List<ShardRef> stripe(int s) {
        return stripes.get(s);
    }

    /** Record bytes held by stripe {@code s}. */
    public int stripeLength(int s) {
        long stripeBytes = (long) k * shardSize;
        return (int) Math.min(stripeBytes, length - s * stripeBytes);
    }

    /** Shard length in stripe {@code s}: {@code ceil(stripeLength(s) / k)}. */
    public int shardLength(int s) {
        return (stripeLength(s) + k - 1) / k;
    }

    /** Bytes stored for this record on all nodes together, that is about {@code length * n / k}. */
    public long storedBytes() {
        long total = 0;
        for (int s = 0; s < stripes.size(); s++) {
            total += (long) n * shardLength(s);
        }
        return total;
    }

    /** A copy with shard {@code shard} of stripe {@code stripe} moved to {@code nodeId}. */
    public Manifest withPlacement(int stripe, int shard, String nodeId) {
        List<List<ShardRef>> copy = new ArrayList<>(stripes);
        List<ShardRef> s = new ArrayList<>(copy.get(stripe));
        s.set(shard, new ShardRef(s.get(shard).cid(), nodeId));
        copy.set(stripe, s);
        return new Manifest(recordCid, length, k, n, shardSize, copy);
    }

    /** The version-1 wire form. */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.write(MAGIC);
        out.writeByte(FORMAT_VERSION);
        out.write(recordCid.toBytes());
        out.writeLong(length);
        out.writeByte(k);
        out.writeByte(n);
        out.writeInt(shardSize);
        out.writeInt(stripes.size());
        for (List<ShardRef> stripe : stripes) {
            for (ShardRef ref : stripe) {
                out.write(ref.cid().toBytes());
                byte[] node = ref.nodeId().getBytes(StandardCharsets.UTF_8);
                out.writeShort(node.length);
                out.write(node);
            }
        }
    }

    /**
     * Parses the wire form.
     *
     * @throws IllegalArgumentException if the bytes are not a well-formed manifest of a known version
     */
    public static Manifest parse(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            Manifest m = readFrom(in);
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after manifest");
            }
            return m;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated manifest", e);
        }
    }

    static Manifest readFrom(DataInputStream in) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("not a manifest (bad magic)");
        }
        int version = in.readUnsignedByte();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported manifest version " + version);
        }
        Cid record = Cid.fromBytes(readExactly(in, Cid.BINARY_LENGTH));
        long length = in.readLong();
        int k = in.readUnsignedByte();
        int n = in.readUnsignedByte();
        int shardSize = in.readInt();
        int stripeCount = in.readInt();
        if (length < 0 || k < 1 || n <= k || shardSize < 1) {
            throw new IllegalArgumentException("invalid manifest parameters");
        }
        long stripeBytes = (long) k * shardSize;
        if (stripeCount != Math.max(1, (length + stripeBytes - 1) / stripeBytes)) {
            throw new IllegalArgumentException("stripe count does not match length");
        }
        List<List<ShardRef>> stripes = new ArrayList<>(Math.min(stripeCount, 1024));
        for (int s = 0; s < stripeCount; s++) {
            List<ShardRef> stripe = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                Cid cid = Cid.fromBytes(readExactly(in, Cid.BINARY_LENGTH));
                int len = in.readUnsignedShort();
                String node = new String(readExactly(in, len), StandardCharsets.UTF_8);
                stripe.add(new ShardRef(cid, node));
            }
            stripes.add(stripe);
        }
        return new Manifest(record, length, k, n, shardSize, stripes);
    }

    private static byte[] readExactly(DataInputStream in, int len) throws IOException {
        byte[] b = in.readNBytes(len);
        if (b.length != len) {
            throw new EOFException();
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Manifest)) {
            return false;
        }
        Manifest m = (Manifest) o;
        return m.recordCid.equals(recordCid)
                && m.length == length
                && m.k == k
                && m.n == n
                && m.shardSize == shardSize
                && m.stripes.equals(stripes);
    }

    @Override
    public int hashCode() {
        return recordCid.hashCode();
    }

    @Override
    public String toString() {
        return "Manifest[" + recordCid + ", " + length + " B, RS(" + k + "," + n + "), " + stripes.size() + " stripes]";
    }
}
