package org.medshare.client.login;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config DIR} option of every command that keeps files in the configuration directory. */
public final class ConfigOption {
    @Option(
            names = "--config",
            paramLabel = "DIR",
            description = "configuration directory (default: $MEDSHARE_CONFIG or ~/.medshare)")
    Path dir;

    /** The configuration directory: {@code --config}, else {@code $MEDSHARE_CONFIG}, else {@code ~/.medshare} (not created). */
    public Path resolve() {
        return ConfigDir.resolve(dir);
    }
}
