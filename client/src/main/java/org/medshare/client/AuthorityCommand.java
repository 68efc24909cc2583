package org.medshare.client;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.medshare.abe.AbeScheme;
import org.medshare.abe.Attribute;
import org.medshare.abe.InsecureSecretKeyAccess;
import org.medshare.abe.MasterKey;
import org.medshare.abe.Suite;
import org.medshare.abe.UserKey;
import org.medshare.client.authority.AuthorityKeyCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare authority init|keygen}: a local key authority's setup and key issuance; {@code authority key}:
 * a clinician's key from the service's key authority.
 */
@Command(
        name = "authority",
        mixinStandardHelpOptions = true,
        description = "Key authority: create the ABE master key and issue user keys; obtain yours from the service.",
        subcommands = {AuthorityCommand.Init.class, AuthorityCommand.Keygen.class, AuthorityKeyCommand.class})
final class AuthorityCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("authority needs a subcommand: init, keygen or key");
    }

    /** A command on the local authority in {@code --dir}. */
    abstract static class LocalAuthority implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "authority directory")
        Path dir;
    }

    @Command(
            name = "init",
            mixinStandardHelpOptions = true,
            description = "Create DIR/public.params and DIR/master.key (refuses to overwrite an existing authority).")
    static final class Init extends LocalAuthority {
        @Option(
                names = "--suite",
                defaultValue = "nist",
                paramLabel = "nist|gm",
                description = "default symmetric suite recorded in the public parameters (default: nist)")
        String suite;

        @Override
        public Integer call() throws IOException {
            Suite s = Arguments.suite(suite);
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw CliFailure.usage("not a directory: " + dir);
            }
            Files.createDirectories(dir);
            Path mk = dir.resolve(Files2.MASTER_KEY);
            Path pp = dir.resolve(Files2.PUBLIC_PARAMS);
            if (Files.exists(mk) || Files.exists(pp)) {
                throw CliFailure.usage("an authority already exists in " + dir + " (refusing to overwrite)");
            }
            MasterKey master = AbeScheme.create().setup(s);
            try (AtomicOutput mo = AtomicOutput.open(mk, true);
                    AtomicOutput po = AtomicOutput.open(pp, false)) {
                mo.stream().write(master.toBytes(InsecureSecretKeyAccess.get()));
                po.stream().write(master.publicParameters().toBytes());
                mo.commit(false);
                try {
                    po.commit(false);
                } catch (IOException e) {
                    Files.deleteIfExists(mk);
                    throw e;
                }
            } catch (FileAlreadyExistsException e) {
                throw CliFailure.usage("an authority already exists in " + dir + " (refusing to overwrite)");
            }
            spec.commandLine().getOut().println("authority created in " + dir + " (suite " + s.label() + ")");
            return 0;
        }
    }

    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = "Issue a user key for a set of attributes.")
    static final class Keygen extends LocalAuthority {
        @Option(
                names = "--attrs",
                required = true,
                split = ",",
                paramLabel = "ATTR",
                description = "attributes key:value[@epoch], comma-separated")
        List<String> attrs;

        @Option(names = "--out", required = true, paramLabel = "KEYFILE", description = "user key file to write")
        Path out;

        @Override
        public Integer call() throws IOException {
            Set<String> set = new LinkedHashSet<>();
            for (String a : attrs) {
                String t = a.trim();
                try {
                    Attribute.of(t);
                } catch (IllegalArgumentException e) {
                    throw CliFailure.usage(e.getMessage());
                }
                set.add(t);
            }
            if (set.isEmpty()) {
                throw CliFailure.usage("--attrs needs at least one attribute");
            }
            MasterKey master = Files2.masterKey(dir);
            UserKey key = AbeScheme.create().keygen(master, set);
            AtomicOutput.write(out, key.toBytes(InsecureSecretKeyAccess.get()), true);
            spec.commandLine().getOut().println("key for " + Arrays.toString(set.toArray()) + " written to " + out);
            return 0;
        }
    }
}
