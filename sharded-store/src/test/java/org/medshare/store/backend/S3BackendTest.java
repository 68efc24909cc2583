package org.medshare.store.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The backend contract against a real S3 server: S3Proxy in-process on 127.0.0.1, filesystem store. */
class S3BackendTest extends ShardBackendContractTest {
    private static final String ACCESS = "medshare-test";
    private static final String SECRET = "medshare-test-secret";
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static Path baseDir;
    private static S3Proxy proxy;
    private static S3Client client;

    @BeforeAll
    static void startS3Proxy() throws Exception {
        baseDir = Files.createTempDirectory("s3proxy");
        proxy = S3Proxy.builder()
                .blobStore(new FilesystemNio2BlobStore(baseDir.toString()))
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        for (int i = 0; i < 200 && !"STARTED".equals(proxy.getState()); i++) {
            Thread.sleep(25);
        }
        client = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
    }

    @AfterAll
    static void stopS3Proxy() throws Exception {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.stop();
        }
        try (var walk = Files.walk(baseDir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static String newBucket() {
        String bucket = "shards-" + BUCKETS.incrementAndGet();
        client.createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    @Override
    protected ShardBackend newBackend() {
        return new S3Backend(client, newBucket(), "shards/", false);
    }

    @Test
    void storeOverS3NodesSurvivesLosingTwoBuckets() throws IOException {
        List<StorageNode> nodes = new ArrayList<>();
        List<S3Backend> backends = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            S3Backend b = new S3Backend(client, newBucket(), "", false);
            backends.add(b);
            nodes.add(new StorageNode("s3-" + i, "org-" + i, b));
        }
        Path catalog = Files.createTempDirectory("s3catalog");
        try (ShardStore store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(catalog))
                .shardSize(64 * 1024)
                .build()) {
            byte[] data = PatternStream.bytes(21, 700_000);
            Manifest m = store.put("hospital-a", new ByteArrayInputStream(data));
            for (int i : new int[] {1, 4}) {
                for (Cid cid : backends.get(i).list()) {
                    backends.get(i).delete(cid);
                }
            }
            try (InputStream in = store.get(m.recordCid())) {
                assertArrayEquals(data, in.readAllBytes());
            }
            RepairReport report = store.repair();
            assertTrue(report.shardsRebuilt() > 0 && report.unrecoverable() == 0);
            assertTrue(store.repair().records().isEmpty());
        }
    }

    @Test
    void unreachableServerIsAnIoException() {
        S3Client dead = S3Client.builder()
                .endpointOverride(URI.create("http://127.0.0.1:1"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        try (S3Backend b = new S3Backend(dead, "x", "", true)) {
            assertThrows(IOException.class, () -> b.exists(Cid.of(new byte[1])));
            assertThrows(IOException.class, () -> b.put(Cid.of(new byte[1]), new byte[1], 0, 1));
        }
    }
}
