package org.medshare.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.medshare.store.backend.DurableFiles;

/**
 * A {@link ManifestCatalog} in a local directory: one file {@code <record cid>.entry} per record,
 * replaced atomically and durably ({@link DurableFiles#replace}).
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
        DurableFiles.replace(file(entry.manifest().recordCid()), bytes, 0, bytes.length);
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
            DurableFiles.forceDirectory(dir);
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
