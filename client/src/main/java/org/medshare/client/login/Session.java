package org.medshare.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.medshare.client.CliFailure;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceException;
import org.medshare.client.http.TokenSource;

/**
 * A logged-in session, stored as one JSON file (mode 600) in the configuration directory: the issuer, the
 * client id, the default server, the tokens and their expiry, and for a service account the path of its
 * secret file (never the secret). {@link #accessToken()} refreshes an access token that expires within
 * 30 s (refresh token, else a new client credentials grant) and saves the new tokens. Thread-safe.
 * {@code toString} shows no token.
 */
public final class Session implements TokenSource {
    /** Default file name inside the configuration directory. */
    public static final String FILE = "session.json";

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final Path file;
    private final URI issuer;
    private final String clientId;
    private final URI server;
    private final Path clientSecretFile;
    private final Clock clock;
    private TokenGrant tokens;

    Session(Path file, URI issuer, String clientId, URI server, Path clientSecretFile, TokenGrant tokens, Clock clock) {
        this.file = file;
        this.issuer = issuer;
        this.clientId = clientId;
        this.server = server;
        this.clientSecretFile = clientSecretFile;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** The server recorded at login, or null. */
    public URI server() {
        return server;
    }

    public URI issuer() {
        return issuer;
    }

    /**
     * Loads the session in {@code file}.
     *
     * @throws CliFailure usage error (exit 2) when there is no session: the user must log in first
     */
    public static Session load(Path file, Clock clock) {
        if (!Files.isRegularFile(file)) {
            throw CliFailure.usage("not logged in (no " + file + "): run medshare login first");
        }
        try {
            JsonNode j = Json.parse(Files.readAllBytes(file));
            String secretFile = Json.text(j, "clientSecretFile");
            String server = Json.text(j, "server");
            String refreshExp = Json.text(j, "refreshExpiresAt");
            TokenGrant t = new TokenGrant(
                    required(j, "accessToken"),
                    Instant.parse(required(j, "accessExpiresAt")),
                    Json.text(j, "refreshToken"),
                    refreshExp == null ? null : Instant.parse(refreshExp));
            return new Session(
                    file,
                    URI.create(required(j, "issuer")),
                    required(j, "clientId"),
                    server == null ? null : URI.create(server),
                    secretFile == null ? null : Path.of(secretFile),
                    t,
                    clock);
        } catch (IOException | RuntimeException e) {
            if (e instanceof CliFailure f) {
                throw f;
            }
            throw CliFailure.usage("session file " + file + " is unreadable: run medshare login again");
        }
    }

    private static String required(JsonNode j, String name) throws IOException {
        String v = Json.text(j, name);
        if (v == null) {
            throw new IOException("missing " + name);
        }
        return v;
    }

    /** Writes the session file owner-only and atomically. */
    synchronized void save() throws IOException {
        ObjectNode j = Json.object();
        j.put("version", 1);
        j.put("issuer", issuer.toString());
        j.put("clientId", clientId);
        if (server != null) {
            j.put("server", server.toString());
        }
        if (clientSecretFile != null) {
            j.put("clientSecretFile", clientSecretFile.toAbsolutePath().toString());
        }
        j.put("accessToken", tokens.accessToken());
        j.put("accessExpiresAt", tokens.accessExpiresAt().toString());
        if (tokens.refreshToken() != null) {
            j.put("refreshToken", tokens.refreshToken());
        }
        if (tokens.refreshExpiresAt() != null) {
            j.put("refreshExpiresAt", tokens.refreshExpiresAt().toString());
        }
        ConfigDir.writeSecret(file, Json.compact(j).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public synchronized String accessToken() throws ServiceException {
        Instant now = clock.instant();
        if (tokens.accessExpiresAt().isAfter(now.plus(MARGIN))) {
            return tokens.accessToken();
        }
        OidcClient oidc = new OidcClient(issuer, clock);
        TokenGrant fresh;
        if (tokens.refreshToken() != null
                && (tokens.refreshExpiresAt() == null
                        || tokens.refreshExpiresAt().isAfter(now))) {
            fresh = oidc.refresh(clientId, tokens.refreshToken());
        } else if (clientSecretFile != null) {
            fresh = oidc.clientCredentials(clientId, LoginCommand.readSecretFile(clientSecretFile));
        } else {
            throw new ServiceException(401, null, "the session has expired: run medshare login again");
        }
        tokens = fresh;
        try {
            save();
        } catch (IOException e) {
            throw new ServiceException(
                    ServiceException.UNREACHABLE, null, "cannot save the refreshed session to " + file);
        }
        return tokens.accessToken();
    }

    @Override
    public String toString() {
        return "Session[" + clientId + " at " + issuer + "]";
    }
}
