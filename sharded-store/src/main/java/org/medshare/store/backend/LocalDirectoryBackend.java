package org.medshare.store.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path temp = dir.resolve(ShardNames.temporaryFor(target.getFileName().toString()));
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(data, offset, length);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("file system cannot rename atomically: " + dir, e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDirectory(dir);
  }

  private static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some platforms cannot open a directory for reading; the rename is then as durable as the
      // file system makes it.
      if (!(e instanceof NoSuchFileException) && System.getProperty("os.name", "").startsWith("Linux")) {
        throw e;
      }
    }
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
