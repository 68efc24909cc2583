package org.medshare.store.backend;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.medshare.store.Cid;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link ShardBackend} on any S3-compatible object store through the AWS SDK for Java v2: shard
 * {@code cid} is object {@code prefix + cid} in {@code bucket}.
 *
 * <p>S3 PUT is atomic (an object appears whole or not at all) and durable once acknowledged
 * (Amazon S3 User Guide, "Amazon S3 data consistency model"); the SDK sends a checksum with each
 * PUT so the server refuses damaged uploads. SDK and service errors surface as {@link IOException}.
 * The client is owned by the caller unless {@link #closeClient} is set.
 */
public final class S3Backend implements ShardBackend {
    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final boolean closeClient;

    /**
     * @param prefix key prefix, for example {@code "shards/"} (may be empty)
     * @param closeClient whether {@link #close()} closes the client
     */
    public S3Backend(S3Client client, String bucket, String prefix, boolean closeClient) {
        this.client = Objects.requireNonNull(client);
        if (bucket == null || bucket.isEmpty()) {
            throw new IllegalArgumentException("bucket must be non-empty");
        }
        this.bucket = bucket;
        this.prefix = Objects.requireNonNull(prefix);
        this.closeClient = closeClient;
    }

    private String key(Cid cid) {
        return prefix + cid;
    }

    @Override
    public void put(Cid cid, byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        try {
            client.putObject(
                    PutObjectRequest.builder()
                            .bucket(bucket)
                            .key(key(cid))
                            .contentLength((long) length)
                            .build(),
                    // read in place, a fresh stream for each attempt (signing and retries read it again);
                    // the caller does not change the bytes until put returns
                    RequestBody.fromContentProvider(
                            () -> new ByteArrayInputStream(data, offset, length), length, "application/octet-stream"));
        } catch (SdkException e) {
            throw new IOException("S3 put of " + cid + " failed", e);
        }
    }

    @Override
    public Optional<byte[]> get(Cid cid) throws IOException {
        try {
            return Optional.of(
                    client.getObjectAsBytes(b -> b.bucket(bucket).key(key(cid))).asByteArray());
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw new IOException("S3 get of " + cid + " failed", e);
        } catch (SdkException e) {
            throw new IOException("S3 get of " + cid + " failed", e);
        }
    }

    @Override
    public boolean delete(Cid cid) throws IOException {
        if (!exists(cid)) {
            return false;
        }
        try {
            client.deleteObject(b -> b.bucket(bucket).key(key(cid)));
            return true;
        } catch (SdkException e) {
            throw new IOException("S3 delete of " + cid + " failed", e);
        }
    }

    @Override
    public boolean exists(Cid cid) throws IOException {
        try {
            client.headObject(
                    HeadObjectRequest.builder().bucket(bucket).key(key(cid)).build());
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw new IOException("S3 head of " + cid + " failed", e);
        } catch (SdkException e) {
            throw new IOException("S3 head of " + cid + " failed", e);
        }
    }

    @Override
    public Set<Cid> list() throws IOException {
        Set<Cid> out = new HashSet<>();
        try {
            for (S3Object o : client.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(bucket)
                            .prefix(prefix)
                            .build())
                    .contents()) {
                ShardNames.shardOf(o.key().substring(prefix.length())).ifPresent(out::add);
            }
        } catch (SdkException e) {
            throw new IOException("S3 list of " + bucket + " failed", e);
        }
        return out;
    }

    @Override
    public void close() {
        if (closeClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "S3Backend[" + bucket + "/" + prefix + "]";
    }
}
