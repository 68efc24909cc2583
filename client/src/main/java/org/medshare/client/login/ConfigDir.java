package org.medshare.client.login;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.medshare.client.AtomicOutput;
import org.medshare.client.CliFailure;

/**
 * The per-user configuration directory ({@code --config DIR}, else {@code $MEDSHARE_CONFIG}, else
 * {@code ~/.medshare}): the session token, the hospital's signing and pseudonym keys and the upload
 * spool. Created owner-only (rwx------); secret files are written owner-only (rw-------) and atomically.
 */
public final class ConfigDir {
    private ConfigDir() {}

    /** The directory to use for {@code explicit} (may be null). */
    public static Path resolve(Path explicit) {
        if (explicit != null) {
            return explicit;
        }
        String env = System.getenv("MEDSHARE_CONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".medshare");
    }

    /** Creates {@code dir} (and parents) owner-only if missing; returns it. */
    public static Path ensure(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                ownerOnly(dir, "rwx------");
            }
            return dir;
        } catch (IOException e) {
            throw CliFailure.usage("cannot create configuration directory " + dir + ": " + e.getMessage());
        }
    }

    /** Writes {@code bytes} to {@code file} atomically, readable by the owner only (mode 600). */
    public static void writeSecret(Path file, byte[] bytes) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        ensure(parent);
        AtomicOutput.write(file, bytes, true);
    }

    static void ownerOnly(Path p, String mode) throws IOException {
        try {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep the defaults
        }
    }
}
