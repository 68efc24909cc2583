package org.medshare.bench.store;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.medshare.store.erasure.ReedSolomon;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * RS(k, n) encode and decode of one stripe of k x 1 MiB data shards, on one thread, beside two
 * baselines over the same k MiB in the same run: System.arraycopy and SHA-256.
 *
 * <p>Throughput in MB/s of data = ops/s x k x 1.048576 (decode: the n - k first data shards are
 * erased, the worst case, and rebuilt).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class ErasureCodingBench {
    static final int SHARD = 1 << 20;

    @Param({"4+2", "10+4"})
    public String code;

    private ReedSolomon rs;
    private byte[][] shards;
    private boolean[] present;
    private byte[] flat;
    private byte[] copy;
    private MessageDigest sha;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String[] parts = code.split("\\+");
        int k = Integer.parseInt(parts[0]);
        int m = Integer.parseInt(parts[1]);
        rs = ReedSolomon.create(k, k + m);
        shards = new byte[k + m][SHARD];
        Random rnd = new Random(1);
        for (int i = 0; i < k; i++) {
            rnd.nextBytes(shards[i]);
        }
        rs.encode(shards, 0, SHARD);
        present = new boolean[k + m];
        Arrays.fill(present, true);
        for (int i = 0; i < m; i++) {
            present[i] = false;
        }
        flat = new byte[k * SHARD];
        rnd.nextBytes(flat);
        copy = new byte[flat.length];
        sha = MessageDigest.getInstance("SHA-256");
    }

    @Benchmark
    public byte[][] encode() {
        rs.encode(shards, 0, SHARD);
        return shards;
    }

    @Benchmark
    public byte[][] decode() {
        rs.decode(shards, present, 0, SHARD);
        return shards;
    }

    @Benchmark
    public byte[] baselineArraycopy() {
        System.arraycopy(flat, 0, copy, 0, flat.length);
        return copy;
    }

    @Benchmark
    public byte[] baselineSha256() {
        sha.update(flat);
        return sha.digest();
    }
}
