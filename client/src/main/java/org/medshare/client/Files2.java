package org.medshare.client;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.KeyFormatException;
import org.medshare.abe.MasterKey;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.UserKey;

/** File helpers shared by the commands: clear usage errors for missing files, key loading. */
public final class Files2 {
    static final String PUBLIC_PARAMS = "public.params";
    static final String MASTER_KEY = "master.key";
    private static final long MAX_KEY_FILE = 16L << 20;

    private Files2() {}

    static void requireReadable(Path p, String what) {
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw CliFailure.usage(what + " not found or not readable: " + p);
        }
    }

    /** A key-sized file's bytes (at most 16 MiB); a missing, unreadable or too large file is a usage error. */
    public static byte[] readSmall(Path p, String what) {
        requireReadable(p, what);
        try {
            if (Files.size(p) > MAX_KEY_FILE) {
                throw CliFailure.usage(what + " too large: " + p);
            }
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw CliFailure.usage(what + " not found: " + p);
        } catch (IOException e) {
            throw CliFailure.usage("cannot read " + what + " " + p + ": " + e.getMessage());
        }
    }

    static PublicParameters params(Path p) {
        try {
            return PublicParameters.parse(readSmall(p, "public parameters"));
        } catch (KeyFormatException e) {
            throw CliFailure.verification(p + ": " + e.getMessage());
        }
    }

    static MasterKey masterKey(Path dir) {
        Path p = dir.resolve(MASTER_KEY);
        try {
            return MasterKey.parse(readSmall(p, "master key"), InsecureSecretKeyAccess.get());
        } catch (KeyFormatException e) {
            throw CliFailure.verification(p + ": " + e.getMessage());
        }
    }

    /** An ABE user key file; a malformed one is a verification failure (exit 1). */
    public static UserKey userKey(Path p) {
        try {
            return UserKey.parse(readSmall(p, "key file"), InsecureSecretKeyAccess.get());
        } catch (KeyFormatException e) {
            throw CliFailure.verification(p + ": " + e.getMessage());
        }
    }

    /** Wraps an input so that, on an interactive terminal, a progress bar is drawn on stderr. */
    static InputStream withProgress(InputStream in, long total, String label) {
        if (System.console() == null || total < (8L << 20)) {
            return in;
        }
        PrintStream err = System.err;
        return new FilterInputStream(in) {
            private long done;
            private int shown = -1;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    done += n;
                    int pct = (int) Math.min(100, done * 100 / total);
                    if (pct != shown) {
                        shown = pct;
                        int bars = pct / 4;
                        err.print("\r" + label + " [" + "#".repeat(bars) + " ".repeat(25 - bars) + "] " + pct + "%");
                        if (pct == 100) {
                            err.println();
                        }
                        err.flush();
                    }
                }
                return n;
            }
        };
    }
}
