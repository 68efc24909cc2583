package org.medshare.bench.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.medshare.bench.TempTrees;
import org.medshare.store.DirectoryCatalog;
import org.medshare.store.Manifest;
import org.medshare.store.ShardStore;
import org.medshare.store.StorageNode;
import org.medshare.store.backend.S3Backend;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * A record put and get through the store on S3 (RS(4,2), one S3Proxy endpoint per organisation at three
 * organisations, two shards of each stripe at each, as the service places them) beside the endpoint's own raw PUT
 * and GET of the same bytes as one object, in the same run and JVM. The goal: store put and get at least 0.5x the
 * raw operation (the store sends 1.5x the bytes, as six shards over three endpoints, hashing and coding on the way).
 * Each put stores fresh content (a counter in the first bytes); the previous record is deleted and collected
 * outside the measured time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
@Warmup(iterations = 2, batchSize = 1)
@Measurement(iterations = 5, batchSize = 1)
public class S3StoreBench extends FreshRecordPuts {
    private static final String ACCESS = "bench";
    private static final String SECRET = "bench-secret";
    private static final String BUCKET = "shards";

    @Param({"1000000", "50000000"})
    public int size;

    private Path root;
    private final List<S3Proxy> proxies = new ArrayList<>();
    private final List<S3Client> clients = new ArrayList<>();
    private Manifest stored;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        root = Files.createTempDirectory("s3-store-bench");
        List<StorageNode> nodes = new ArrayList<>();
        for (String org : List.of("hospital-a", "hospital-b", "regulator")) {
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(new FilesystemNio2BlobStore(
                            Files.createDirectories(root.resolve(org)).toString()))
                    .endpoint(URI.create("http://127.0.0.1:0"))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                    .build();
            proxy.start();
            for (int i = 0; i < 400 && !"STARTED".equals(proxy.getState()); i++) {
                Thread.sleep(25);
            }
            proxies.add(proxy);
            S3Client client = S3Client.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + proxy.getPort()))
                    .region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET)))
                    .serviceConfiguration(S3Configuration.builder()
                            .pathStyleAccessEnabled(true)
                            .build())
                    .build();
            client.createBucket(b -> b.bucket(BUCKET));
            clients.add(client);
            nodes.add(new StorageNode(org + "-s3", org, new S3Backend(client, BUCKET, "shards/", false)));
        }
        store = ShardStore.builder()
                .nodes(nodes)
                .catalog(new DirectoryCatalog(root.resolve("catalog")))
                .maxShardsPerDomain(2)
                .tombstoneGrace(Duration.ZERO)
                .build();
        data = new byte[size];
        new Random(5).nextBytes(data);
        stored = store.put("bench-read", new ByteArrayInputStream(data));
        clients.get(0).putObject(b -> b.bucket(BUCKET).key("raw-read"), RequestBody.fromBytes(data));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        store.close();
        for (S3Client c : clients) {
            c.close();
        }
        for (S3Proxy p : proxies) {
            p.stop();
        }
        TempTrees.delete(root);
    }

    @Benchmark
    public Manifest storePut() throws IOException {
        return putFresh();
    }

    @Benchmark
    public long storeGet() throws IOException {
        try (InputStream in = store.get(stored.recordCid())) {
            return in.transferTo(OutputStreamSink.INSTANCE);
        }
    }

    @Benchmark
    public Object rawPut() {
        return clients.get(0).putObject(b -> b.bucket(BUCKET).key("raw-put"), RequestBody.fromBytes(data));
    }

    @Benchmark
    public int rawGet() {
        return clients.get(0)
                .getObjectAsBytes(b -> b.bucket(BUCKET).key("raw-read"))
                .asByteArray()
                .length;
    }

    /** Discards what it is given. */
    private static final class OutputStreamSink extends OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
