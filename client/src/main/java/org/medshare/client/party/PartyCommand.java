package org.medshare.client.party;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare party}: a party's own signing keys. A regulator signs query approvals with its approval key, a
 * hospital signs its clinicians' key grants with its grant key; the key authority trusts exactly the keys the
 * consortium's party keys file lists, and the service holds none of them.
 */
@Command(
        name = "party",
        mixinStandardHelpOptions = true,
        description = "Your organisation's own signing keys (regulator: approve queries; hospital: grant keys).",
        subcommands = PartyCommand.Keygen.class)
public final class PartyCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw CliFailure.usage("party needs a subcommand: keygen");
    }

    /** {@code medshare party keygen --org ORG --role ROLE --out FILE}. */
    @Command(
            name = "keygen",
            mixinStandardHelpOptions = true,
            description = "Make a signing key (owner-only file) and print its line for the consortium's party keys"
                    + " file (medshare.enclave.party-keys).")
    static final class Keygen implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--org", required = true, paramLabel = "ORG", description = "your organisation id")
        String organisation;

        @Option(
                names = "--role",
                required = true,
                paramLabel = "ROLE",
                description = "approve-queries (regulator) or grant-keys (hospital)")
        String role;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "the key file to create")
        Path out;

        @Override
        public Integer call() throws IOException {
            if (!role.equals("approve-queries") && !role.equals("grant-keys")) {
                throw CliFailure.usage("--role must be approve-queries or grant-keys");
            }
            if (!organisation.matches("[A-Za-z0-9._-]{1,64}")) {
                throw CliFailure.usage("--org must be 1-64 of [A-Za-z0-9._-]");
            }
            KeyPair key = PartyKeyFile.create(out);
            spec.commandLine().getOut().println(PartyKeyFile.partyLine(role, organisation, key.getPublic()));
            return 0;
        }
    }
}
