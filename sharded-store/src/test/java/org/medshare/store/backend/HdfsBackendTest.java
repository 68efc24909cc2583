package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.medshare.store.Cid;
import org.medshare.store.DirectoryCatalog;
import org.medshare.store.Manifest;
import org.medshare.store.PatternStream;
import org.medshare.store.RepairReport;
import org.medshare.store.ShardStore;
import org.medshare.store.StorageNode;

/** The backend contract against a real HDFS: an in-process MiniDFSCluster (one NameNode, one DataNode). */
class HdfsBackendTest extends ShardBackendContractTest {
    private static final AtomicInteger ROOTS = new AtomicInteger();
    private static java.nio.file.Path baseDir;
    private static MiniDFSCluster cluster;
    private static FileSystem fs;

    @BeforeAll
    static void startCluster() throws IOException {
        baseDir = Files.createTempDirectory("minidfs");
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, baseDir.toString());
        conf.set("dfs.replication", "1");
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        cluster.waitActive();
        fs = cluster.getFileSystem();
    }

    @AfterAll
    static void stopCluster() throws IOException {
        if (cluster != null) {
            cluster.shutdown(true);
        }
        if (!Files.exists(baseDir)) {
            return;
        }
        try (var walk = Files.walk(baseDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected ShardBackend newBackend() throws IOException {
        return new HdfsBackend(fs, new Path("/node-" + ROOTS.incrementAndGet()), false);
    }

    @Test
    void removesTemporariesOfInterruptedPuts() throws IOException {
        HdfsBackend b = new HdfsBackend(fs, new Path("/crashed"), false);
        byte[] data = {4, 5, 6};
        Cid cid = Cid.of(data);
        b.put(cid, data, 0, 3);
        try (var out = fs.create(new Path("/crashed/ab/" + cid + ".77.tmp"))) {
            out.write(1);
        }
        assertEquals(Set.of(cid), b.list());
        assertEquals(1, b.removeStaleTemporaries());
        assertEquals(0, b.removeStaleTemporaries());
        assertTrue(b.exists(cid));
    }

    @Test
    void storeOverHdfsNodesSurvivesLosingTwoNodeDirectories() throws IOException {
        List<StorageNode> nodes = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            nodes.add(
                    new StorageNode("hdfs-" + i, "dn-" + i, new HdfsBackend(fs, new Path("/store/node-" + i), false)));
        }
        java.nio.file.Path catalog = Files.createTempDirectory("hdfscatalog");
        try (ShardStore store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(catalog))
                .shardSize(32 * 1024)
                .build()) {
            byte[] data = PatternStream.bytes(31, 300_000);
            Manifest m = store.put("hospital-a", new ByteArrayInputStream(data));
            assertTrue(fs.delete(new Path("/store/node-2"), true));
            assertTrue(fs.delete(new Path("/store/node-5"), true));
            try (InputStream in = store.get(m.recordCid())) {
                assertArrayEquals(data, in.readAllBytes());
            }
            RepairReport report = store.repair();
            assertEquals(0, report.unrecoverable());
            assertTrue(report.shardsRebuilt() > 0);
            assertTrue(store.repair().records().isEmpty(), "every shard back");
        }
    }

    /**
     * The service's flow on HDFS: three organisations with one HDFS directory each, at most two shards of a stripe
     * at one; a record survives losing a whole organisation, is repaired, and after erasure no node holds a shard.
     */
    @Test
    void organisationsOnHdfsKeepThePlacementRuleSurviveLosingOneAndEraseCompletely() throws IOException {
        List<StorageNode> nodes = new ArrayList<>();
        for (String org : List.of("hospital-a", "hospital-b", "regulator")) {
            nodes.add(new StorageNode(org + "-hdfs", org, new HdfsBackend(fs, new Path("/orgs/" + org), false)));
        }
        java.nio.file.Path catalog = Files.createTempDirectory("hdfsorgcatalog");
        try (ShardStore store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(catalog))
                .shardSize(32 * 1024)
                .maxShardsPerDomain(2)
                .tombstoneGrace(java.time.Duration.ZERO)
                .build()) {
            byte[] data = PatternStream.bytes(47, 400_000);
            Manifest m = store.put("hospital-a", new ByteArrayInputStream(data));
            Set<Cid> shards = new java.util.HashSet<>();
            for (int s = 0; s < m.stripeCount(); s++) {
                java.util.Map<String, Integer> perOrg = new java.util.HashMap<>();
                for (Manifest.ShardRef ref : m.stripe(s)) {
                    perOrg.merge(ref.nodeId(), 1, Integer::sum);
                    shards.add(ref.cid());
                }
                assertEquals(java.util.Map.of("hospital-a-hdfs", 2, "hospital-b-hdfs", 2, "regulator-hdfs", 2), perOrg);
            }

            assertTrue(fs.delete(new Path("/orgs/hospital-b"), true), "hospital-b loses its storage");
            try (InputStream in = store.get(m.recordCid())) {
                assertArrayEquals(data, in.readAllBytes());
            }
            assertEquals(0, store.repair().unrecoverable());
            assertTrue(store.repair().records().isEmpty(), "every shard back");

            assertTrue(store.delete("hospital-a", m.recordCid()));
            store.collectGarbage();
            for (StorageNode node : nodes) {
                Set<Cid> left = new java.util.HashSet<>(node.backend().list());
                left.retainAll(shards);
                assertEquals(Set.of(), left, node.id() + " holds no shard of the erased record");
            }
        }
    }
}
