package org.medshare.store.backend;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.medshare.store.Cid;

/**
 * A {@link ShardBackend} on HDFS (or any Hadoop {@link FileSystem} with atomic rename): shard
 * {@code cid} is the file {@code root/<last 2 chars>/<cid>}.
 *
 * <p>A put writes a temporary file, {@code hsync()}s it (data on the DataNodes' disks), then renames
 * it over the final name with {@link FileContext#rename(Path, Path, Options.Rename...)} and
 * {@code OVERWRITE}; an HDFS rename is a single atomic NameNode operation, logged durably before it
 * returns. Readers never see partial shards. The file system is owned by the caller unless
 * {@code closeFileSystem} is set.
 */
public final class HdfsBackend implements ShardBackend {
    private final FileSystem fs;
    private final FileContext fc;
    private final Path root;
    private final boolean closeFileSystem;

    /**
     * @param root the node's directory in the file system (created on first put)
     */
    public HdfsBackend(FileSystem fs, Path root, boolean closeFileSystem) throws IOException {
        this.fs = Objects.requireNonNull(fs);
        this.fc = FileContext.getFileContext(fs.getUri(), fs.getConf());
        this.root = fs.makeQualified(Objects.requireNonNull(root));
        this.closeFileSystem = closeFileSystem;
    }

    private Path pathOf(Cid cid) {
        return new Path(new Path(root, ShardNames.directoryOf(cid)), cid.toString());
    }

    @Override
    public void put(Cid cid, byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        Path target = pathOf(cid);
        Path temp = new Path(target.getParent(), ShardNames.temporaryFor(target.getName()));
        boolean renamed = false;
        try {
            try (FSDataOutputStream out = fs.create(temp, false)) {
                out.write(data, offset, length);
                out.hsync();
            }
            fc.rename(temp, target, Options.Rename.OVERWRITE);
            renamed = true;
        } finally {
            if (!renamed) {
                fs.delete(temp, false);
            }
        }
    }

    @Override
    public Optional<byte[]> get(Cid cid) throws IOException {
        try (FSDataInputStream in = fs.open(pathOf(cid))) {
            return Optional.of(in.readAllBytes());
        } catch (FileNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(Cid cid) throws IOException {
        return fs.delete(pathOf(cid), false);
    }

    @Override
    public boolean exists(Cid cid) throws IOException {
        return fs.exists(pathOf(cid));
    }

    @Override
    public Set<Cid> list() throws IOException {
        Set<Cid> out = new HashSet<>();
        if (!fs.exists(root)) {
            return out;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            ShardNames.shardOf(it.next().getPath().getName()).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public int removeStaleTemporaries() throws IOException {
        int removed = 0;
        if (!fs.exists(root)) {
            return 0;
        }
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        List<Path> stale = new ArrayList<>();
        while (it.hasNext()) {
            Path p = it.next().getPath();
            if (ShardNames.isTemporary(p.getName())) {
                stale.add(p);
            }
        }
        for (Path p : stale) {
            if (fs.delete(p, false)) {
                removed++;
            }
        }
        return removed;
    }

    @Override
    public void close() throws IOException {
        if (closeFileSystem) {
            fs.close();
        }
    }

    @Override
    public String toString() {
        return "HdfsBackend[" + root + "]";
    }
}
