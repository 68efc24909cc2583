package org.medshare.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code medshare login}: gets tokens from the Keycloak realm and stores the session in the configuration
 * directory (mode 600). A person logs in with {@code --user} (password from the terminal or
 * {@code --password-stdin}, or {@code --device} for the device grant); a hospital system with
 * {@code --client-id} and {@code --client-secret-file}. Tokens are never printed.
 */
@Command(
        name = "login",
        mixinStandardHelpOptions = true,
        description = "Log in against the MedShare identity provider and remember the session.")
public final class LoginCommand implements Callable<Integer> {
    static final String DEFAULT_ISSUER = "http://127.0.0.1:18080/realms/medshare";
    static final String CLI_CLIENT = "medshare-cli";

    @Spec
    CommandSpec spec;

    @Option(
            names = "--server",
            paramLabel = "URL",
            description = "service base URL to remember and check the login against")
    String server;

    @Option(
            names = "--issuer",
            paramLabel = "URL",
            defaultValue = DEFAULT_ISSUER,
            description = "OpenID Connect issuer (default: ${DEFAULT-VALUE})")
    String issuer;

    @Option(names = "--user", paramLabel = "NAME", description = "user name (password grant)")
    String user;

    @Option(names = "--password-stdin", description = "read the password from the first line of standard input")
    boolean passwordStdin;

    @Option(names = "--device", description = "log in through the browser (device authorization grant)")
    boolean device;

    @Option(names = "--client-id", paramLabel = "ID", description = "service-account client id (client credentials)")
    String clientId;

    @Option(
            names = "--client-secret-file",
            paramLabel = "FILE",
            description = "file holding the service-account secret")
    Path clientSecretFile;

    @Mixin
    ConfigOption config;

    @Option(
            names = "--token-file",
            paramLabel = "FILE",
            description = "where to store the session (default: DIR/" + Session.FILE + ")")
    Path tokenFile;

    @Override
    public Integer call() throws IOException {
        URI issuerUri = SessionOptions.parse(issuer);
        URI serverUri = server == null ? null : SessionOptions.parse(server);
        int modes = (user != null ? 1 : 0) + (clientId != null ? 1 : 0) + (device ? 1 : 0);
        if (modes != 1) {
            throw CliFailure.usage("give exactly one of --user NAME, --client-id ID or --device");
        }
        if (clientId != null && clientSecretFile == null) {
            throw CliFailure.usage("--client-id needs --client-secret-file FILE");
        }
        if (clientId == null && clientSecretFile != null) {
            throw CliFailure.usage("--client-secret-file goes with --client-id");
        }
        if (passwordStdin && user == null) {
            throw CliFailure.usage("--password-stdin goes with --user");
        }
        Clock clock = Clock.systemUTC();
        OidcClient oidc = new OidcClient(issuerUri, clock);
        PrintWriter err = spec.commandLine().getErr();
        TokenGrant grant;
        String client;
        Path secretFile = null;
        try {
            if (user != null) {
                char[] password = readPassword();
                try {
                    grant = oidc.password(CLI_CLIENT, user, password);
                } finally {
                    Arrays.fill(password, '\0');
                }
                client = CLI_CLIENT;
            } else if (device) {
                OidcClient.DeviceAuthorization auth = oidc.startDevice(CLI_CLIENT);
                err.println("To log in, open "
                        + (auth.verificationUriComplete() != null
                                ? auth.verificationUriComplete()
                                : auth.verificationUri())
                        + " and enter the code " + auth.userCode());
                grant = oidc.awaitDevice(CLI_CLIENT, auth);
                client = CLI_CLIENT;
            } else {
                secretFile = clientSecretFile.toAbsolutePath();
                grant = oidc.clientCredentials(clientId, readSecretFile(secretFile));
                client = clientId;
            }
        } catch (ServiceException e) {
            throw SessionOptions.refused(e);
        }
        Path file = tokenFile != null
                ? tokenFile
                : ConfigDir.ensure(config.resolve()).resolve(Session.FILE);
        Session session = new Session(file, issuerUri, client, serverUri, secretFile, grant, clock);
        String who = user != null ? user : client;
        if (serverUri != null) {
            JsonNode me = SessionOptions.answer(
                    () -> new ServiceClient(serverUri, session, Duration.ofSeconds(30)).getJson("/api/v1/me"));
            who = Json.text(me, "subject") + " of " + Json.text(me, "organisation") + ", roles " + me.path("roles");
        }
        session.save();
        spec.commandLine().getOut().println("logged in as " + who + "; session saved in " + file);
        return 0;
    }

    private char[] readPassword() throws IOException {
        if (passwordStdin) {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line = in.readLine();
            if (line == null || line.isEmpty()) {
                throw CliFailure.usage("--password-stdin: no password on standard input");
            }
            return line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            throw CliFailure.usage("no terminal to ask for the password: use --password-stdin");
        }
        char[] p = console.readPassword("Password for %s: ", user);
        if (p == null || p.length == 0) {
            throw CliFailure.usage("no password given");
        }
        return p;
    }

    /** The first line of a secret file, trimmed. */
    static String readSecretFile(Path p) throws ServiceException {
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > 4096) {
                throw CliFailure.usage("client secret file not found or too large: " + p);
            }
            String s = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (s.isEmpty() || s.contains("\n")) {
                throw CliFailure.usage("client secret file must hold one line: " + p);
            }
            return s;
        } catch (IOException e) {
            throw CliFailure.usage("cannot read client secret file " + p);
        }
    }
}
