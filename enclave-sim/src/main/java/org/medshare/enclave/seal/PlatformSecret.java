package org.medshare.enclave.seal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import org.medshare.abe.SecretKeyAccess;

/**
 * The simulated platform's root sealing secret, standing in for the fused key an SGX CPU derives
 * sealing keys from. 32 random bytes, stable for the life of a (simulated) machine so that sealed
 * data survives enclave restarts.
 *
 * <p>SIMULATION CAVEAT: in hardware this secret never leaves the CPU; here it is a file that the
 * host's operating-system user can read. Sealing therefore protects against a changed or
 * downgraded enclave, not against the host.
 */
public final class PlatformSecret {
    public static final int LENGTH = 32;
    private final byte[] secret;

    private PlatformSecret(byte[] secret) {
        this.secret = secret;
    }

    public static PlatformSecret generate(SecureRandom random) {
        byte[] s = new byte[LENGTH];
        random.nextBytes(s);
        return new PlatformSecret(s);
    }

    /** Wraps existing secret bytes (copied); for tests with fixed secrets and for loading. */
    public static PlatformSecret of(byte[] secret, SecretKeyAccess access) {
        if (access == null || secret.length != LENGTH) {
            throw new IllegalArgumentException("platform secret must be 32 bytes and requires SecretKeyAccess");
        }
        return new PlatformSecret(secret.clone());
    }

    /** Reads {@code file}, or creates it with 32 fresh random bytes (owner-only where supported). */
    public static PlatformSecret loadOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            byte[] b = Files.readAllBytes(file);
            if (b.length != LENGTH) {
                throw new IOException("platform secret file " + file + " must hold exactly 32 bytes");
            }
            return new PlatformSecret(b);
        }
        PlatformSecret s = generate(new SecureRandom());
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "platform", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system: the directory's permissions apply
        }
        Files.write(tmp, s.secret);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return s;
    }

    byte[] bytes(SecretKeyAccess access) {
        if (access == null) {
            throw new IllegalArgumentException("SecretKeyAccess required");
        }
        return secret.clone();
    }

    @Override
    public String toString() {
        return "PlatformSecret{<redacted>}";
    }
}
