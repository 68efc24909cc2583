package org.medshare.systemtests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parties' own signing keys for a system-test run, made with the packaged command line as the parties would
 * make them ({@code medshare party keygen}): regulator-nhc's approval key and the grant keys of hospital-a and
 * hospital-b, and the consortium's party keys file that the packaged service is started with.
 */
final class Parties {
    private final Path dir;

    private Parties(Path dir) {
        this.dir = dir;
    }

    /** Makes the keys and the party keys file under {@code dir}. */
    static Parties create(Path dir) throws Exception {
        Files.createDirectories(dir);
        Cli cli = new Cli(Path.of(System.getProperty("medshare.cli")), dir.resolve("cli"));
        Parties parties = new Parties(dir);
        List<String> lines = new ArrayList<>();
        lines.add(keygen(cli, "regulator-nhc", "approve-queries", parties.approvalKey()));
        for (String hospital : List.of("hospital-a", "hospital-b")) {
            lines.add(keygen(cli, hospital, "grant-keys", parties.grantKey(hospital)));
        }
        Files.write(parties.file(), lines);
        return parties;
    }

    private static String keygen(Cli cli, String organisation, String role, Path out) throws Exception {
        Cli.Result made =
                cli.run(null, "party", "keygen", "--org", organisation, "--role", role, "--out", out.toString());
        assertEquals(0, made.exit(), made.toString());
        return made.out();
    }

    /** The party keys file ({@code MEDSHARE_ENCLAVE_PARTY_KEYS}). */
    Path file() {
        return dir.resolve("party-keys.txt");
    }

    /** regulator-nhc's query-approval key. */
    Path approvalKey() {
        return dir.resolve("regulator-nhc-approval.key");
    }

    /** {@code hospital}'s grant key. */
    Path grantKey(String hospital) {
        return dir.resolve(hospital + "-grants.key");
    }
}
