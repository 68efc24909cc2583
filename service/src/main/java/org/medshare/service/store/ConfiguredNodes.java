package org.medshare.service.store;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.StorageNode;
import org.medshare.store.backend.HdfsBackend;
import org.medshare.store.backend.LocalDirectoryBackend;
import org.medshare.store.backend.S3Backend;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * The storage nodes {@code medshare.store.nodes} describes, each in the failure domain of its organisation, or
 * the embedded default's local directories when it describes none.
 *
 * <p>An HDFS node opens a file system client of its own (closed with the topology); the Hadoop client reads
 * {@code core-site.xml} and {@code hdfs-site.xml} from the class path if present.
 *
 * <p>Credentials of S3 nodes are read from the environment variables or the file the node names, never from
 * configuration values; no message of this class contains them.
 */
final class ConfiguredNodes {
    /** Bound on one S3 request including retries, so that an unreachable endpoint fails a write, not a thread. */
    static final Duration S3_CALL_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration S3_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Bound on connecting to an HDFS NameNode (one retry), so that an unreachable organisation fails a write instead
     * of holding it for the Hadoop client's default of minutes.
     */
    private static final int HDFS_CONNECT_TIMEOUT_MS = 5_000;

    private ConfiguredNodes() {}

    /**
     * @param environment the process environment ({@code System::getenv})
     * @throws IllegalStateException if a node is described wrongly (the message names the key)
     * @throws IOException if a local directory cannot be created or a credentials file read
     */
    static List<StoreTopology.Entry> build(MedshareConfig config, UnaryOperator<String> environment)
            throws IOException {
        MedshareConfig.Store store = config.store();
        Path base = config.dataDir().resolve("store");
        List<StoreTopology.Entry> out = new ArrayList<>();
        if (store.nodes().isEmpty()) {
            if (store.localNodes() < store.n()) {
                throw new IllegalStateException("medshare.store.local-nodes must be at least medshare.store.n");
            }
            for (int i = 0; i < store.localNodes(); i++) {
                String id = "node-" + i;
                out.add(new StoreTopology.Entry(
                        new StorageNode(id, id, new LocalDirectoryBackend(base.resolve(id))), "local", "local"));
            }
            return out;
        }
        for (Map.Entry<String, MedshareConfig.Node> e : new TreeMap<>(store.nodes()).entrySet()) {
            out.add(node(e.getKey(), e.getValue(), base, environment));
        }
        return out;
    }

    private static StoreTopology.Entry node(
            String id, MedshareConfig.Node node, Path base, UnaryOperator<String> environment) throws IOException {
        String key = "medshare.store.nodes." + id + ".";
        String organisation = node.organisation().strip();
        if (organisation.isEmpty()) {
            throw new IllegalStateException(key + "organisation must not be empty");
        }
        if (!(node.weight() >= StorageNode.MIN_WEIGHT && node.weight() <= StorageNode.MAX_WEIGHT)) {
            throw new IllegalStateException(key + "weight must be between " + plain(StorageNode.MIN_WEIGHT) + " and "
                    + plain(StorageNode.MAX_WEIGHT));
        }
        String backend = node.backend().strip().toLowerCase(Locale.ROOT);
        try {
            return switch (backend) {
                case "local" ->
                    new StoreTopology.Entry(
                            new StorageNode(
                                    id,
                                    organisation,
                                    new LocalDirectoryBackend(node.path().orElse(base.resolve(id))),
                                    node.weight()),
                            "local",
                            "local");
                case "s3" -> s3(id, node, organisation, key, environment);
                case "hdfs" -> hdfs(id, node, organisation, key);
                default -> throw new IllegalStateException(key + "backend must be local, s3 or hdfs");
            };
        } catch (IllegalArgumentException invalidId) {
            throw new IllegalStateException(key + ": " + invalidId.getMessage());
        }
    }

    private static StoreTopology.Entry s3(
            String id, MedshareConfig.Node node, String organisation, String key, UnaryOperator<String> environment)
            throws IOException {
        URI endpoint = node.endpoint().orElseThrow(() -> new IllegalStateException(key + "endpoint is required"));
        String bucket = node.bucket().orElseThrow(() -> new IllegalStateException(key + "bucket is required"));
        AwsBasicCredentials credentials = credentials(node, key, environment);
        S3Client client = S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(node.region()))
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(node.pathStyle())
                        .build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(S3_CALL_TIMEOUT)
                        .apiCallAttemptTimeout(S3_ATTEMPT_TIMEOUT)
                        .build())
                .build();
        return new StoreTopology.Entry(
                new StorageNode(id, organisation, new S3Backend(client, bucket, node.prefix(), true), node.weight()),
                "s3",
                endpoint.getScheme() + "://" + endpoint.getHost()
                        + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + "/" + bucket);
    }

    private static StoreTopology.Entry hdfs(String id, MedshareConfig.Node node, String organisation, String key)
            throws IOException {
        URI uri = node.uri().orElseThrow(() -> new IllegalStateException(key + "uri is required"));
        if (!"hdfs".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalStateException(key + "uri must be hdfs://host[:port]");
        }
        String dir = node.path()
                .orElseThrow(() -> new IllegalStateException(key + "path is required"))
                .toString();
        if (!dir.startsWith("/")) {
            throw new IllegalStateException(key + "path must be an absolute directory of the file system");
        }
        Configuration conf = new Configuration();
        conf.setInt("ipc.client.connect.timeout", HDFS_CONNECT_TIMEOUT_MS);
        conf.setInt("ipc.client.connect.max.retries", 1);
        conf.setInt("ipc.client.connect.max.retries.on.timeouts", 1);
        conf.setBoolean("dfs.client.retry.policy.enabled", false);
        FileSystem fs = FileSystem.newInstance(uri, conf);
        try {
            return new StoreTopology.Entry(
                    new StorageNode(
                            id,
                            organisation,
                            new HdfsBackend(fs, new org.apache.hadoop.fs.Path(dir), true),
                            node.weight()),
                    "hdfs",
                    "hdfs://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + dir);
        } catch (IOException | RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    private static AwsBasicCredentials credentials(
            MedshareConfig.Node node, String key, UnaryOperator<String> environment) throws IOException {
        Optional<Path> file = node.credentialsFile();
        if (file.isPresent()) {
            if (node.accessKeyEnv().isPresent() || node.secretKeyEnv().isPresent()) {
                throw new IllegalStateException(key + "credentials-file and the *-key-env keys exclude each other");
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file.get(), StandardCharsets.UTF_8)) {
                p.load(r);
            }
            return AwsBasicCredentials.create(
                    required(p.getProperty("access-key"), key + "credentials-file has no access-key line"),
                    required(p.getProperty("secret-key"), key + "credentials-file has no secret-key line"));
        }
        String accessVar = node.accessKeyEnv()
                .orElseThrow(() -> new IllegalStateException(
                        key + "access-key-env and secret-key-env, or credentials-file, are required"));
        String secretVar =
                node.secretKeyEnv().orElseThrow(() -> new IllegalStateException(key + "secret-key-env is required"));
        return AwsBasicCredentials.create(
                required(environment.apply(accessVar), "environment variable " + accessVar + " is not set"),
                required(environment.apply(secretVar), "environment variable " + secretVar + " is not set"));
    }

    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String required(String value, String refusal) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(refusal);
        }
        return value.strip();
    }
}
