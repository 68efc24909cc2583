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
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.StorageNode;
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
 * <p>Credentials of S3 nodes are read from the environment variables or the file the node names, never from
 * configuration values; no message of this class contains them.
 */
final class ConfiguredNodes {
    /** Bound on one S3 request including retries, so that an unreachable endpoint fails a write, not a thread. */
    static final Duration S3_CALL_TIMEOUT = Duration.ofSeconds(20);

    private static final Duration S3_ATTEMPT_TIMEOUT = Duration.ofSeconds(5);

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
        String backend = node.backend().strip().toLowerCase(Locale.ROOT);
        try {
            return switch (backend) {
                case "local" ->
                    new StoreTopology.Entry(
                            new StorageNode(
                                    id,
                                    organisation,
                                    new LocalDirectoryBackend(node.path().orElse(base.resolve(id)))),
                            "local",
                            "local");
                case "s3" -> s3(id, node, organisation, key, environment);
                default ->
                    throw new IllegalStateException(key
                            + "backend must be local or s3 (HDFS is available to users of the sharded-store library)");
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
                new StorageNode(id, organisation, new S3Backend(client, bucket, node.prefix(), true)),
                "s3",
                endpoint.getScheme() + "://" + endpoint.getHost()
                        + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + "/" + bucket);
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

    private static String required(String value, String refusal) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(refusal);
        }
        return value.strip();
    }
}
