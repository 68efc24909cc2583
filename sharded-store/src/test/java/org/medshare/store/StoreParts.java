package org.medshare.store;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.medshare.store.backend.LocalDirectoryBackend;

/**
 * The parts of a store wired as {@link ShardStore} wires them, over fault-injecting local
 * directory nodes {@code node-i} in failure domains {@code domain-i}, for tests of one part.
 */
final class StoreParts implements Closeable {
    static final int K = 4;
    static final int N = 6;
    static final int SHARD = 1000;

    final List<FaultyBackend> backends = new ArrayList<>();
    final MutableClock clock = new MutableClock();
    final StoreNodes nodes;
    final RecordTable table;
    final IoPool pool = new IoPool(4);
    final RecordReader reader;
    final PutPipeline puts;
    final Repairer repairer;

    StoreParts(Path dir, int nodeCount, QuotaPolicy quotas) throws IOException {
        List<StorageNode> list = new ArrayList<>();
        for (int i = 0; i < nodeCount; i++) {
            FaultyBackend backend = new FaultyBackend(new LocalDirectoryBackend(dir.resolve("node-" + i)));
            backends.add(backend);
            list.add(new StorageNode("node-" + i, "domain-" + i, backend));
        }
        nodes = new StoreNodes(list, 1);
        table = new RecordTable(new DirectoryCatalog(dir.resolve("catalog")), quotas, nodes);
        reader = new RecordReader(nodes, pool);
        puts = new PutPipeline(table, nodes, pool, clock, K, N, SHARD);
        repairer = new Repairer(table, nodes, reader);
    }

    Manifest put(byte[] content) throws IOException {
        return puts.put("owner", new ByteArrayInputStream(content));
    }

    byte[] read(Manifest m) throws IOException {
        try (InputStream in = reader.open(table.liveManifest(m.recordCid()).orElseThrow())) {
            return in.readAllBytes();
        }
    }

    /** The backend of the node that holds shard {@code shard} of stripe {@code stripe}. */
    FaultyBackend backendOf(Manifest m, int stripe, int shard) {
        String nodeId = m.stripe(stripe).get(shard).nodeId();
        return backends.get(Integer.parseInt(nodeId.substring("node-".length())));
    }

    int storedShards() throws IOException {
        int count = 0;
        for (FaultyBackend b : backends) {
            count += b.list().size();
        }
        return count;
    }

    GarbageCollector garbageCollector() {
        return new GarbageCollector(table, nodes);
    }

    @Override
    public void close() {
        pool.close();
    }
}
