package org.medshare.client;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes a file through a temporary sibling that is renamed into place only on {@link #commit()};
 * {@link #close()} without commit deletes the temporary, so a failed command leaves no output file.
 */
public final class AtomicOutput implements AutoCloseable {
    private final Path target;
    private final Path temp;
    private final OutputStream stream;
    private boolean committed;

    private AtomicOutput(Path target, Path temp) throws IOException {
        this.target = target;
        this.temp = temp;
        this.stream = Files.newOutputStream(temp);
    }

    /**
     * Opens a temporary file next to {@code target}.
     *
     * @param secret restrict the file to its owner (rw-------) where the file system supports it
     */
    public static AtomicOutput open(Path target, boolean secret) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw CliFailure.usage("output directory does not exist: " + (dir == null ? target : dir));
        }
        if (Files.isDirectory(abs)) {
            throw CliFailure.usage("output is a directory: " + target);
        }
        Path temp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
        if (secret) {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
        }
        return new AtomicOutput(abs, temp);
    }

    /**
     * Writes {@code bytes} to {@code target} atomically, replacing an existing file.
     *
     * @param secret restrict the file to its owner (rw-------) where the file system supports it
     */
    public static void write(Path target, byte[] bytes, boolean secret) throws IOException {
        try (AtomicOutput o = open(target, secret)) {
            o.stream().write(bytes);
            o.commit(true);
        }
    }

    public OutputStream stream() {
        return stream;
    }

    /** Flushes, closes and renames the temporary onto the target. */
    public void commit(boolean replaceExisting) throws IOException {
        stream.close();
        if (!replaceExisting && Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            try {
                stream.close();
            } finally {
                Files.deleteIfExists(temp);
            }
        }
    }
}
