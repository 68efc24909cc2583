package org.medshare.service.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Real S3-compatible storage at three organisations (or those named by the init argument
 * {@code organisations}): one S3Proxy server per organisation on 127.0.0.1, each over a
 * folder of its own, with its own credentials (in a file readable by the owner only). The service is configured with
 * one S3 node per organisation ({@code medshare.store.nodes.<org>-s3.*}). Tests reach the servers through
 * {@link #instance()} to stop, restart or inspect them.
 */
public class S3Organisations implements QuarkusTestResourceLifecycleManager {
    public static final List<String> ORGANISATIONS = List.of("hospital-a", "hospital-b", "regulator");
    public static final String BUCKET = "medshare-shards";

    private static volatile S3Organisations instance;

    private final Map<String, Endpoint> endpoints = new LinkedHashMap<>();
    private List<String> organisations = ORGANISATIONS;
    private Path base;

    /** Init argument {@code organisations}: comma-separated names (default {@link #ORGANISATIONS}). */
    @Override
    public void init(Map<String, String> initArgs) {
        String names = initArgs.get("organisations");
        if (names != null) {
            organisations = List.of(names.split(","));
        }
    }

    /** One organisation's server, its folder and the credentials it accepts. */
    public static final class Endpoint {
        final String organisation;
        final Path folder;
        final String access;
        final String secret;
        int port;
        S3Proxy proxy;

        Endpoint(String organisation, Path folder) {
            this.organisation = organisation;
            this.folder = folder;
            this.access = "access-" + organisation;
            this.secret = "secret-" + organisation + "-" + Long.toHexString(System.nanoTime());
        }

        public String organisation() {
            return organisation;
        }

        /** The node id the service knows this endpoint by. */
        public String nodeId() {
            return organisation + "-s3";
        }

        /** Starts the server (again) on its port (0 picks a free one the first time). */
        public synchronized void start() throws Exception {
            proxy = S3Proxy.builder()
                    .blobStore(new FilesystemNio2BlobStore(folder.toString()))
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, access, secret)
                    .build();
            proxy.start();
            for (int i = 0; i < 400 && !"STARTED".equals(proxy.getState()); i++) {
                Thread.sleep(25);
            }
            port = proxy.getPort();
        }

        /** Whether the server runs (not stopped by a test). */
        public synchronized boolean running() {
            return proxy != null;
        }

        public synchronized void stop() throws Exception {
            if (proxy != null) {
                proxy.stop();
                proxy = null;
            }
        }

        /** A client of this endpoint with its credentials. */
        public S3Client client() {
            return S3Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + port))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(access, secret)))
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(true)
                            .build())
                    .build();
        }

        /** The keys of every object in the shard bucket. */
        public List<String> objectKeys() {
            try (S3Client c = client()) {
                return c.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents().stream()
                        .map(S3Object::key)
                        .toList();
            }
        }
    }

    /** The running resource, once started. */
    public static S3Organisations instance() {
        return instance;
    }

    public Endpoint endpoint(String organisation) {
        return endpoints.get(organisation);
    }

    public List<Endpoint> endpoints() {
        return new ArrayList<>(endpoints.values());
    }

    @Override
    public Map<String, String> start() {
        try {
            base = Files.createTempDirectory("medshare-s3-orgs");
            Map<String, String> config = new HashMap<>();
            for (String org : organisations) {
                Path folder = Files.createDirectories(base.resolve(org));
                Endpoint e = new Endpoint(org, folder);
                e.start();
                try (S3Client c = e.client()) {
                    c.createBucket(b -> b.bucket(BUCKET));
                }
                Path credentials = base.resolve(org + ".credentials");
                Files.writeString(credentials, "access-key=" + e.access + "\nsecret-key=" + e.secret + "\n");
                Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
                endpoints.put(org, e);
                String key = "medshare.store.nodes." + e.nodeId() + ".";
                config.put(key + "organisation", org);
                config.put(key + "backend", "s3");
                config.put(key + "endpoint", "http://127.0.0.1:" + e.port);
                config.put(key + "bucket", BUCKET);
                config.put(key + "credentials-file", credentials.toString());
            }
            instance = this;
            return config;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("cannot start the organisations' S3 endpoints", e);
        }
    }

    @Override
    public void stop() {
        for (Endpoint e : endpoints.values()) {
            try {
                e.stop();
            } catch (Exception ignored) {
                // stopping the others matters more
            }
        }
        instance = null;
        if (base != null) {
            try (var walk = Files.walk(base)) {
                walk.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary folder
            }
        }
    }
}
