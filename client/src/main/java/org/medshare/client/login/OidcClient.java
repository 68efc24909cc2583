package org.medshare.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;

/**
 * The OpenID Connect provider (Keycloak realm {@code medshare}) as the command line uses it: endpoint
 * discovery (OpenID Connect Discovery 1.0 §4), the resource owner password grant (RFC 6749 §4.3), client
 * credentials (§4.4), refresh (§6) and the device authorization grant (RFC 8628). Errors become a
 * {@link ServiceException} with {@code error: error_description} (RFC 6749 §5.2); passwords, secrets and
 * tokens never appear in a message.
 */
public final class OidcClient {
    private final URI issuer;
    private final HttpClient http;
    private final Clock clock;
    private JsonNode discovery;

    public OidcClient(URI issuer, Clock clock) {
        this.issuer = ServiceClient.checkBase(issuer);
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    public URI issuer() {
        return issuer;
    }

    /** The token endpoint from the issuer's discovery document. */
    public synchronized URI tokenEndpoint() throws ServiceException {
        return endpoint("token_endpoint");
    }

    private synchronized URI endpoint(String name) throws ServiceException {
        if (discovery == null) {
            HttpRequest req = HttpRequest.newBuilder(URI.create(issuer + "/.well-known/openid-configuration"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json")
                    .GET()
                    .build();
            JsonNode doc = send(req, "discovery at " + issuer);
            if (!issuer.toString().equals(trimSlash(Json.text(doc, "issuer")))) {
                throw new ServiceException(200, null, "the discovery document of " + issuer + " names another issuer");
            }
            discovery = doc;
        }
        String url = Json.text(discovery, name);
        if (url == null) {
            throw new ServiceException(200, null, "the identity provider " + issuer + " offers no " + name);
        }
        return ServiceClient.parseBase(url);
    }

    /** Resource owner password grant for {@code user}. */
    public TokenGrant password(String clientId, String user, char[] password) throws ServiceException {
        return grant("password", clientId, "username", user, "password", new String(password), "scope", "openid");
    }

    /** Client credentials grant for a service account. */
    public TokenGrant clientCredentials(String clientId, String secret) throws ServiceException {
        return grant("client_credentials", clientId, "client_secret", secret);
    }

    /** Refresh token grant. */
    public TokenGrant refresh(String clientId, String refreshToken) throws ServiceException {
        return grant("refresh_token", clientId, "refresh_token", refreshToken);
    }

    /** A pending device authorization (RFC 8628 §3.2): what to show the user, and how to poll. */
    public record DeviceAuthorization(
            String deviceCode,
            String userCode,
            String verificationUri,
            String verificationUriComplete,
            int intervalSeconds,
            long expiresInSeconds) {
        @Override
        public String toString() {
            return "DeviceAuthorization[" + verificationUri + "]";
        }
    }

    /** Starts the device authorization grant (RFC 8628 §3.1). */
    public DeviceAuthorization startDevice(String clientId) throws ServiceException {
        URI endpoint = endpoint("device_authorization_endpoint");
        JsonNode a =
                send(formRequest(endpoint, Map.of("client_id", clientId, "scope", "openid")), "device authorization");
        String device = Json.text(a, "device_code");
        String user = Json.text(a, "user_code");
        String uri = Json.text(a, "verification_uri");
        if (device == null || user == null || uri == null) {
            throw new ServiceException(200, null, "the identity provider's device authorization answer is incomplete");
        }
        return new DeviceAuthorization(
                device,
                user,
                uri,
                Json.text(a, "verification_uri_complete"),
                Math.max(1, a.path("interval").asInt(5)),
                a.path("expires_in").asLong(600));
    }

    /** Polls the token endpoint until the user approves, refuses or the code expires (RFC 8628 §3.4, §3.5). */
    public TokenGrant awaitDevice(String clientId, DeviceAuthorization auth) throws ServiceException {
        long deadline = clock.millis() + auth.expiresInSeconds() * 1000;
        long interval = auth.intervalSeconds() * 1000L;
        while (clock.millis() < deadline) {
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServiceException(ServiceException.UNREACHABLE, null, "interrupted");
            }
            try {
                return grant(Map.of(
                        "grant_type",
                        "urn:ietf:params:oauth:grant-type:device_code",
                        "client_id",
                        clientId,
                        "device_code",
                        auth.deviceCode()));
            } catch (ServiceException e) {
                if (e.problemType() != null && e.problemType().equals("authorization_pending")) {
                    continue;
                }
                if (e.problemType() != null && e.problemType().equals("slow_down")) {
                    interval += 5000;
                    continue;
                }
                throw e;
            }
        }
        throw new ServiceException(400, "expired_token", "login refused: the device code expired before approval");
    }

    /** A {@code grantType} token request by {@code clientId} with {@code fields} (name, value, name, value...) in order. */
    private TokenGrant grant(String grantType, String clientId, String... fields) throws ServiceException {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", grantType);
        form.put("client_id", clientId);
        for (int i = 0; i < fields.length; i += 2) {
            form.put(fields[i], fields[i + 1]);
        }
        return grant(form);
    }

    private TokenGrant grant(Map<String, String> form) throws ServiceException {
        return TokenGrant.fromResponse(send(formRequest(tokenEndpoint(), form), "login"), clock.instant());
    }

    private static HttpRequest formRequest(URI endpoint, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
    }

    private JsonNode send(HttpRequest req, String what) throws ServiceException {
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new ServiceException(
                    ServiceException.UNREACHABLE, null, "cannot reach the identity provider " + issuer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ServiceException.UNREACHABLE, null, "interrupted");
        }
        JsonNode json = null;
        try {
            json = Json.parse(res.body());
        } catch (IOException notJson) {
            // handled below
        }
        if (res.statusCode() / 100 == 2 && json != null) {
            return json;
        }
        String error = Json.text(json, "error");
        if (error != null) {
            String description = Json.text(json, "error_description");
            throw new ServiceException(
                    res.statusCode(),
                    error,
                    what + " refused: " + error + (description == null ? "" : ": " + oneLine(description)));
        }
        throw new ServiceException(res.statusCode(), null, what + " failed: HTTP " + res.statusCode());
    }

    private static String trimSlash(String s) {
        return s != null && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private static String oneLine(String s) {
        String one = s.replaceAll("[\\r\\n\\t]+", " ").trim();
        return one.length() > 200 ? one.substring(0, 200) : one;
    }
}
