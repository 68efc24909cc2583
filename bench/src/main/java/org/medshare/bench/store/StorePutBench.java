package org.medshare.bench.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.medshare.bench.TempTrees;
import org.medshare.store.DirectoryCatalog;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;
import org.medshare.store.StorageNode;
import org.medshare.store.backend.LocalDirectoryBackend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A 50 MB put into the embedded store (RS(4,2) over six local directories: SHA-256 of the record
 * and of every shard, encoding, write + fsync + atomic rename of 75 MB of shards, catalog commit)
 * against a plain write + force of the same 50 MB to one file in the same file system, same run.
 * Each invocation stores fresh content (a counter in the first bytes) and the previous record is
 * deleted and garbage-collected outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
public class StorePutBench extends FreshRecordPuts {
    static final int SIZE = 50_000_000;

    private Path root;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        root = Files.createTempDirectory("store-put-bench");
        List<StorageNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(new StorageNode("node-" + i, "node-" + i, new LocalDirectoryBackend(root.resolve("node-" + i))));
        }
        store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(root.resolve("catalog")))
                .tombstoneGrace(Duration.ZERO)
                .build();
        data = new byte[SIZE];
        new Random(5).nextBytes(data);
    }

    @TearDown(Level.Invocation)
    public void deletePlainFile() throws IOException {
        Files.deleteIfExists(root.resolve("plain.bin"));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        TempTrees.delete(root);
    }

    @Benchmark
    public Manifest put50MB() throws IOException {
        return putFresh();
    }

    @Benchmark
    public long baselineWriteForce50MB() throws IOException {
        try (FileChannel ch =
                FileChannel.open(root.resolve("plain.bin"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.wrap(data);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
            return ch.size();
        }
    }
}
