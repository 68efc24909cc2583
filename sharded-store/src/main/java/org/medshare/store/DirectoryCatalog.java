package org.medshare.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@link ManifestCatalog} in a local directory: one file {@code <record cid>.entry} per record,
 * replaced by write-to-temporary, force, atomic rename, force directory.
 */
public final class DirectoryCatalog implements ManifestCatalog {
  private static final String SUFFIX = ".entry";

  private final Path dir;

  /** Opens (creating if needed) the catalog in {@code dir}; removes temporaries of interrupted commits. */
  public DirectoryCatalog(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath().normalize();
    Files.createDirectories(this.dir);
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(this.dir, "*.tmp")) {
      for (Path t : temps) {
        Files.deleteIfExists(t);
      }
    }
  }

  private Path file(Cid record) {
    return dir.resolve(record + SUFFIX);
  }

  @Override
  public void commit(CatalogEntry entry) throws IOException {
    byte[] bytes = entry.toBytes();
    Path target = file(entry.manifest().recordCid());
    Path temp = dir.resolve(target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    forceDir();
  }

  private void forceDir() throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public Optional<CatalogEntry> load(Cid record) throws IOException {
    try {
      return Optional.of(CatalogEntry.parse(Files.readAllBytes(file(record))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean remove(Cid record) throws IOException {
    boolean existed = Files.deleteIfExists(file(record));
    if (existed) {
      forceDir();
    }
    return existed;
  }

  @Override
  public List<CatalogEntry> loadAll() throws IOException {
    List<CatalogEntry> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path f : files) {
        out.add(CatalogEntry.parse(Files.readAllBytes(f)));
      }
    }
    return out;
  }
}
