package org.medshare.store.backend;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Atomic, durable replacement of a whole file on a local file system, for shards and catalog
 * entries alike. The bytes go to a temporary beside the target, are forced to the device, the
 * temporary is renamed atomically over the target and the directory is forced: once
 * {@link #replace} returns the new content survives a crash, and a crash before leaves the old
 * content (or no file) plus at most a stray temporary whose name ends in {@code .tmp}.
 */
public final class DurableFiles {
    private DurableFiles() {}

    /**
     * Replaces {@code target} with {@code data[offset, offset + length)}. Precondition: the target's
     * directory exists.
     *
     * @throws IOException if the file system cannot write, force or atomically rename the file
     */
    public static void replace(Path target, byte[] data, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, data.length);
        Path dir = target.getParent();
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

    /**
     * Forces the directory's entries (creations, renames, deletions) to the device. A directory that
     * no longer exists has nothing to force; platforms other than Linux that cannot open a directory
     * for reading leave renames as durable as their file system makes them.
     *
     * @throws IOException if forcing fails on Linux
     */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!(e instanceof NoSuchFileException)
                    && System.getProperty("os.name", "").startsWith("Linux")) {
                throw e;
            }
        }
    }
}
