package org.medshare.service.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * A real HDFS (an in-process MiniDFSCluster: one NameNode, one DataNode, on 127.0.0.1) holding the shards of three
 * organisations, each in a directory of its own ({@code /medshare/<organisation>}). The service is configured with
 * one HDFS node per organisation ({@code medshare.store.nodes.<organisation>-hdfs.*}, backend {@code hdfs}), the
 * first organisation's with weight 2. Tests reach the cluster through {@link #instance()}.
 */
public class HdfsOrganisations implements QuarkusTestResourceLifecycleManager {
    public static final List<String> ORGANISATIONS = S3Organisations.ORGANISATIONS;

    private static volatile HdfsOrganisations instance;

    private Path base;
    private MiniDFSCluster cluster;

    /** The running resource, once started. */
    public static HdfsOrganisations instance() {
        return instance;
    }

    /** The node id the service knows an organisation's HDFS directory by. */
    public static String nodeId(String organisation) {
        return organisation + "-hdfs";
    }

    /** The organisation's directory in the file system. */
    public static String directory(String organisation) {
        return "/medshare/" + organisation;
    }

    /** The configured weight of an organisation's node. */
    public static double weight(String organisation) {
        return organisation.equals(ORGANISATIONS.get(0)) ? 2 : 1;
    }

    /** The names of the files under the organisation's directory (shards, and temporaries if any). */
    public Set<String> fileNames(String organisation) throws IOException {
        FileSystem fs = cluster.getFileSystem();
        org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(directory(organisation));
        Set<String> names = new HashSet<>();
        if (!fs.exists(dir)) {
            return names;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(dir, true);
        while (it.hasNext()) {
            names.add(it.next().getPath().getName());
        }
        return names;
    }

    @Override
    public Map<String, String> start() {
        try {
            base = Files.createTempDirectory("medshare-hdfs-orgs");
            Configuration conf = new Configuration();
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
            conf.set("dfs.replication", "1");
            conf.set("dfs.namenode.http-address", "127.0.0.1:0");
            conf.set("dfs.datanode.address", "127.0.0.1:0");
            conf.set("dfs.datanode.http.address", "127.0.0.1:0");
            conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
            cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            cluster.waitActive();
            String uri = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
            Map<String, String> config = new HashMap<>();
            for (String org : ORGANISATIONS) {
                String key = "medshare.store.nodes." + nodeId(org) + ".";
                config.put(key + "organisation", org);
                config.put(key + "backend", "hdfs");
                config.put(key + "uri", uri);
                config.put(key + "path", directory(org));
                config.put(key + "weight", Double.toString(weight(org)));
            }
            instance = this;
            return config;
        } catch (IOException | RuntimeException e) {
            stop();
            throw new IllegalStateException("cannot start the MiniDFSCluster", e);
        }
    }

    @Override
    public void stop() {
        instance = null;
        if (cluster != null) {
            cluster.shutdown(true);
            cluster = null;
        }
        if (base != null && Files.exists(base)) {
            try (var walk = Files.walk(base)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }
}
