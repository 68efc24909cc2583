package org.medshare.client.upload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.login.ConfigDir;
import org.medshare.client.login.ConfigOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare pseudonym-key create}: makes the consortium's patient pseudonym key (32 random bytes, mode 600).
 * It is created once, by one hospital, and copied to every other hospital of the consortium out of band: a patient
 * gets the same pseudonym everywhere only if every hospital uploads with the same key, so {@code medshare upload}
 * never creates one by itself.
 */
@Command(
        name = "pseudonym-key",
        mixinStandardHelpOptions = true,
        description =
                "The consortium's patient pseudonym key (hospital): create it once, then copy it to every hospital.",
        subcommands = PseudonymKeyCommand.Create.class)
public final class PseudonymKeyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("pseudonym-key needs a subcommand: create");
    }

    /** {@code medshare pseudonym-key create [--out FILE | --config DIR]}. */
    @Command(
            name = "create",
            mixinStandardHelpOptions = true,
            description = "Create a new consortium pseudonym key (refuses to overwrite one). Only ONE hospital of a "
                    + "consortium does this; the others receive a copy of the file.")
    public static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--out", paramLabel = "FILE", description = "where to write it (default: CONFIG/pseudonym.key)")
        Path out;

        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws IOException {
            Path file = out != null ? out : ConfigDir.ensure(config.resolve()).resolve(HospitalKeys.PSEUDONYM_KEY);
            if (Files.exists(file)) {
                throw CliFailure.usage(
                        "a pseudonym key already exists at " + file + " (refusing to overwrite it: records "
                                + "uploaded with it would no longer match their patients)");
            }
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                ConfigDir.writeSecret(file, key);
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            spec.commandLine()
                    .getOut()
                    .println("created the consortium pseudonym key " + file
                            + "; copy it to every hospital of the consortium (they upload with --pseudonym-key or keep it as "
                            + "CONFIG/" + HospitalKeys.PSEUDONYM_KEY + ")");
            return 0;
        }
    }
}
