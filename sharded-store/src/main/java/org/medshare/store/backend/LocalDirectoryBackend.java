package org.medshare.store.backend;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.medshare.store.Cid;

/**
 * A {@link ShardBackend} on a local directory (the embedded default: one directory per storage
 * node). Shards live at {@code root/<2 chars>/<cid>}; a put writes a temporary file in the same
 * directory, forces it to the device, renames it atomically over the final name and forces the
 * directory, so a crash leaves either the old state or the whole new shard, plus at most a stray
 * temporary file that {@link #list()} ignores and {@link #removeStaleTemporaries()} removes.
 *
 * <p>If the root directory disappears (a lost disk), reads report absent shards and the next put
 * recreates it.
 */
public final class LocalDirectoryBackend implements ShardBackend {
    private final Path root;

    /** A backend rooted at {@code root} (created on first put if absent). */
    public LocalDirectoryBackend(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The root directory. */
    public Path root() {
        return root;
    }

    private Path pathOf(Cid cid) {
        return root.resolve(ShardNames.directoryOf(cid)).resolve(cid.toString());
    }

    @Override
    public void put(Cid cid, byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        Path target = pathOf(cid);
        Files.createDirectories(target.getParent());
        DurableFiles.replace(target, data, offset, length);
    }

    @Override
    public Optional<byte[]> get(Cid cid) throws IOException {
        try {
            return Optional.of(Files.readAllBytes(pathOf(cid)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean delete(Cid cid) throws IOException {
        return Files.deleteIfExists(pathOf(cid));
    }

    @Override
    public boolean exists(Cid cid) {
        return Files.isRegularFile(pathOf(cid));
    }

    @Override
    public Set<Cid> list() throws IOException {
        Set<Cid> out = new HashSet<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                    for (Path f : files) {
                        ShardNames.shardOf(f.getFileName().toString()).ifPresent(out::add);
                    }
                }
            }
        }
        return out;
    }

    @Override
    public int removeStaleTemporaries() throws IOException {
        int removed = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + ShardNames.TEMP_SUFFIX)) {
                    for (Path f : files) {
                        if (Files.deleteIfExists(f)) {
                            removed++;
                        }
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public String toString() {
        return "LocalDirectoryBackend[" + root + "]";
    }
}
