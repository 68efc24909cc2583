package org.medshare.client.login;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.medshare.client.CliFailure;
import org.medshare.client.http.ServiceCall;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.http.TokenSource;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by every command that talks to the service: {@code --server}, {@code --config},
 * {@code --token-file}, {@code --timeout}. The server defaults to the one recorded at login; the token
 * comes from the session of {@code medshare login} or from {@code --token-file} (a session file, or a
 * file holding a bare access token).
 */
public final class SessionOptions {
    @Option(names = "--server", paramLabel = "URL", description = "service base URL (default: the one given at login)")
    String server;

    @Mixin
    ConfigOption config;

    @Option(names = "--token-file", paramLabel = "FILE", description = "session file or file holding an access token")
    Path tokenFile;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "120",
            description = "per-request timeout (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    /** The configuration directory (not created). */
    public Path configDir() {
        return config.resolve();
    }

    /** A client for the service, authenticated with the session's (or the token file's) token. */
    public ServiceClient client() {
        return client(null);
    }

    /**
     * A client for {@code node} (another server of the same API; null: the service named by {@code --server} or
     * the session), authenticated with the session's (or the token file's) token.
     */
    public ServiceClient client(URI node) {
        if (timeoutSeconds < 1) {
            throw CliFailure.usage("--timeout must be at least 1 second");
        }
        URI base;
        TokenSource tokens;
        Path file = tokenFile != null ? tokenFile : configDir().resolve(Session.FILE);
        Session session = null;
        if (tokenFile != null && !looksLikeSession(tokenFile)) {
            String bare = bareToken(tokenFile);
            tokens = () -> bare;
        } else {
            session = Session.load(file, Clock.systemUTC());
            tokens = session;
        }
        if (node != null) {
            base = node;
        } else if (server != null) {
            base = parse(server);
        } else if (session != null && session.server() != null) {
            base = session.server();
        } else {
            throw CliFailure.usage("no server: give --server URL (or log in with --server)");
        }
        return new ServiceClient(base, tokens, Duration.ofSeconds(timeoutSeconds));
    }

    static URI parse(String server) {
        try {
            return ServiceClient.parseBase(server);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage(e.getMessage());
        }
    }

    private static boolean looksLikeSession(Path p) {
        try {
            byte[] head = Files.readAllBytes(p);
            for (byte b : head) {
                if (!Character.isWhitespace(b)) {
                    return b == '{';
                }
            }
            return false;
        } catch (IOException e) {
            throw CliFailure.usage("cannot read token file " + p);
        }
    }

    private static String bareToken(Path p) {
        try {
            String t = Files.readString(p, StandardCharsets.UTF_8).trim();
            if (t.isEmpty() || t.length() > 65_536 || !t.matches("[A-Za-z0-9._~+/=-]+")) {
                throw CliFailure.usage("token file " + p + " holds no access token");
            }
            return t;
        } catch (IOException e) {
            throw CliFailure.usage("cannot read token file " + p);
        }
    }

    /** A refusal by the service, the identity provider or the network, as a one-line failure with exit 1. */
    public static CliFailure refused(ServiceException e) {
        return CliFailure.verification(e.getMessage());
    }

    /** Runs {@code call} and returns its answer; a refusal becomes the one-line failure of {@link #refused}. */
    public static <T> T answer(ServiceCall<T> call) {
        try {
            return call.run();
        } catch (ServiceException e) {
            throw refused(e);
        }
    }
}
