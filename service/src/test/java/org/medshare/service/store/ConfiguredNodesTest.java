package org.medshare.service.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.ShardStore;

/**
 * {@code medshare.store.nodes} read into storage nodes, and every refusal at start: too few organisations for the
 * placement rule, a malformed node, missing credentials (whose values never appear in a message).
 */
class ConfiguredNodesTest {
    private static final String SECRET = "s3cr3t-value-never-shown";

    @TempDir
    Path dir;

    private MedshareConfig config(Map<String, String> nodes) {
        Map<String, String> props = new HashMap<>(nodes);
        props.put("medshare.data-dir", dir.toString());
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(MedshareConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500))
                .build();
        return config.getConfigMapping(MedshareConfig.class);
    }

    private static Map<String, String> localNode(String id, String organisation) {
        return Map.of("medshare.store.nodes." + id + ".organisation", organisation);
    }

    private static UnaryOperator<String> environment(Map<String, String> vars) {
        return vars::get;
    }

    private IllegalStateException refusal(Map<String, String> nodes, Map<String, String> env) {
        return assertThrows(IllegalStateException.class, () -> {
            MedshareConfig c = config(nodes);
            StoreProducer.open(c, new StoreTopology(ConfiguredNodes.build(c, environment(env))))
                    .close();
        });
    }

    @Test
    void withoutNodesTheEmbeddedDefaultIsSixLocalDirectoriesEachItsOwnOrganisation() throws Exception {
        MedshareConfig c = config(Map.of());
        StoreTopology topology = new StoreTopology(ConfiguredNodes.build(c, environment(Map.of())));
        assertEquals(6, topology.nodes().size());
        assertEquals(
                6,
                topology.nodes().stream()
                        .map(StoreTopology.NodeInfo::organisation)
                        .distinct()
                        .count());
        try (ShardStore store = StoreProducer.open(c, topology)) {
            assertEquals(List.of("node-0", "node-1", "node-2", "node-3", "node-4", "node-5"), store.nodeIds());
        }
    }

    @Test
    void nodesAtTwoOrganisationsAreRefusedAtStartSayingWhy() {
        Map<String, String> nodes = new HashMap<>();
        nodes.putAll(localNode("a1", "hospital-a"));
        nodes.putAll(localNode("a2", "hospital-a"));
        nodes.putAll(localNode("a3", "hospital-a"));
        nodes.putAll(localNode("b1", "hospital-b"));
        IllegalStateException e = refusal(nodes, Map.of());
        assertEquals(
                "medshare.store.nodes cannot keep at most 2 shards of a stripe at one organisation, so one organisation"
                        + " could rebuild records or its loss could lose them: RS(4,6): the 6 shards of a stripe need"
                        + " nodes in at least 3 failure domains so that none holds more than 2, but only 2 have nodes:"
                        + " [hospital-a, hospital-b]",
                e.getMessage());
    }

    @Test
    void threeOrganisationsWithOneNodeEachAreEnough() throws Exception {
        Map<String, String> nodes = new HashMap<>();
        nodes.putAll(localNode("a", "hospital-a"));
        nodes.putAll(localNode("b", "hospital-b"));
        nodes.putAll(localNode("r", "regulator"));
        MedshareConfig c = config(nodes);
        StoreTopology topology = new StoreTopology(ConfiguredNodes.build(c, environment(Map.of())));
        assertEquals(
                List.of("hospital-a", "hospital-b", "regulator"),
                topology.nodes().stream()
                        .map(StoreTopology.NodeInfo::organisation)
                        .toList());
        StoreProducer.open(c, topology).close();
    }

    @Test
    void malformedNodesAreRefusedNamingTheKey() {
        assertEquals(
                "medshare.store.nodes.x.backend must be local, s3 or hdfs",
                refusal(
                                Map.of(
                                        "medshare.store.nodes.x.organisation",
                                        "o",
                                        "medshare.store.nodes.x.backend",
                                        "ftp"),
                                Map.of())
                        .getMessage());
        assertEquals(
                "medshare.store.nodes.x.endpoint is required",
                refusal(
                                Map.of(
                                        "medshare.store.nodes.x.organisation",
                                        "o",
                                        "medshare.store.nodes.x.backend",
                                        "s3"),
                                Map.of())
                        .getMessage());
        assertTrue(
                refusal(localNode("bad id!", "o"), Map.of()).getMessage().startsWith("medshare.store.nodes.bad id!."));
        for (String weight : List.of("0", "-1", "0.0009", "1000001", "NaN")) {
            assertEquals(
                    "medshare.store.nodes.x.weight must be between 0.001 and 1000000",
                    refusal(
                                    Map.of(
                                            "medshare.store.nodes.x.organisation",
                                            "o",
                                            "medshare.store.nodes.x.weight",
                                            weight),
                                    Map.of())
                            .getMessage(),
                    weight);
        }
    }

    @Test
    void hdfsNodesNeedAnHdfsUriAndAnAbsolutePath() {
        Map<String, String> hdfs = new HashMap<>(Map.of(
                "medshare.store.nodes.h.organisation", "hospital-a",
                "medshare.store.nodes.h.backend", "hdfs"));
        assertEquals(
                "medshare.store.nodes.h.uri is required",
                refusal(hdfs, Map.of()).getMessage());
        hdfs.put("medshare.store.nodes.h.uri", "s3://namenode:8020");
        assertEquals(
                "medshare.store.nodes.h.uri must be hdfs://host[:port]",
                refusal(hdfs, Map.of()).getMessage());
        hdfs.put("medshare.store.nodes.h.uri", "hdfs://127.0.0.1:9");
        assertEquals(
                "medshare.store.nodes.h.path is required",
                refusal(hdfs, Map.of()).getMessage());
        hdfs.put("medshare.store.nodes.h.path", "relative/shards");
        assertEquals(
                "medshare.store.nodes.h.path must be an absolute directory of the file system",
                refusal(hdfs, Map.of()).getMessage());
    }

    @Test
    void weightsAndHdfsLocationsAreReadIntoTheTopology() throws Exception {
        Map<String, String> nodes = new HashMap<>();
        nodes.putAll(localNode("a", "hospital-a"));
        nodes.put("medshare.store.nodes.a.weight", "2.5");
        nodes.putAll(Map.of(
                "medshare.store.nodes.h.organisation", "hospital-b",
                "medshare.store.nodes.h.backend", "hdfs",
                "medshare.store.nodes.h.uri", "hdfs://127.0.0.1:9",
                "medshare.store.nodes.h.path", "/medshare/hospital-b"));
        StoreTopology topology = new StoreTopology(ConfiguredNodes.build(config(nodes), environment(Map.of())));
        try {
            assertEquals(
                    List.of(
                            new StoreTopology.NodeInfo("a", "hospital-a", "local", "local", 2.5),
                            new StoreTopology.NodeInfo(
                                    "h", "hospital-b", "hdfs", "hdfs://127.0.0.1:9/medshare/hospital-b", 1.0)),
                    topology.nodes());
        } finally {
            topology.close();
        }
    }

    @Test
    void s3CredentialsComeFromTheEnvironmentOrAFileAndNeverAppearInMessagesOrTheTopology() throws Exception {
        Map<String, String> s3 = new HashMap<>(Map.of(
                "medshare.store.nodes.x.organisation", "hospital-a",
                "medshare.store.nodes.x.backend", "s3",
                "medshare.store.nodes.x.endpoint", "http://127.0.0.1:9/",
                "medshare.store.nodes.x.bucket", "shards"));
        assertEquals(
                "medshare.store.nodes.x.access-key-env and secret-key-env, or credentials-file, are required",
                refusal(s3, Map.of()).getMessage());

        s3.put("medshare.store.nodes.x.access-key-env", "X_ACCESS");
        s3.put("medshare.store.nodes.x.secret-key-env", "X_SECRET");
        IllegalStateException unset = refusal(s3, Map.of("X_ACCESS", "access"));
        assertEquals("environment variable X_SECRET is not set", unset.getMessage());

        MedshareConfig c = config(s3);
        StoreTopology topology = new StoreTopology(
                ConfiguredNodes.build(c, environment(Map.of("X_ACCESS", "access", "X_SECRET", SECRET))));
        assertEquals(
                List.of(new StoreTopology.NodeInfo("x", "hospital-a", "s3", "http://127.0.0.1:9/shards", 1.0)),
                topology.nodes());
        assertFalse(topology.nodes().toString().contains(SECRET));

        Path file = dir.resolve("x.credentials");
        Files.writeString(file, "access-key=access\n");
        Map<String, String> fromFile = new HashMap<>(s3);
        fromFile.remove("medshare.store.nodes.x.access-key-env");
        fromFile.remove("medshare.store.nodes.x.secret-key-env");
        fromFile.put("medshare.store.nodes.x.credentials-file", file.toString());
        assertEquals(
                "medshare.store.nodes.x.credentials-file has no secret-key line",
                refusal(fromFile, Map.of()).getMessage());
        Files.writeString(file, "access-key=access\nsecret-key=" + SECRET + "\n");
        assertEquals(
                1,
                ConfiguredNodes.build(config(fromFile), environment(Map.of())).size());
    }
}
