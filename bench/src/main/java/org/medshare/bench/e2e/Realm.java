package org.medshare.bench.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.medshare.client.http.ServiceException;
import org.medshare.client.http.TokenSource;

/**
 * Access tokens of the sample realm's users from the real Keycloak (password grant of the {@code medshare-cli}
 * client), renewed a minute before they expire. Thread-safe.
 */
final class Realm implements TokenSource {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String realm;
    private final String user;
    private String token;
    private long renewAt;

    Realm(String realm, String user) {
        this.realm = realm;
        this.user = user;
    }

    @Override
    public synchronized String accessToken() throws ServiceException {
        if (token == null || System.nanoTime() > renewAt) {
            try {
                String form = "grant_type=password&client_id=medshare-cli&username=" + user + "&password="
                        + URLEncoder.encode(user + "-password", StandardCharsets.UTF_8);
                HttpResponse<String> r = HTTP.send(
                        HttpRequest.newBuilder(URI.create(realm + "/protocol/openid-connect/token"))
                                .timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new ServiceException(r.statusCode(), null, "Keycloak refused a token for " + user);
                }
                var body = JSON.readTree(r.body());
                token = body.path("access_token").asText();
                long life = Math.max(30, body.path("expires_in").asLong(300) - 60);
                renewAt = System.nanoTime() + life * 1_000_000_000L;
            } catch (IOException e) {
                throw new ServiceException(0, null, "Keycloak unreachable: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException(0, null, "interrupted");
            }
        }
        return token;
    }
}
