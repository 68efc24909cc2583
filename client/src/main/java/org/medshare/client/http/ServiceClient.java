package org.medshare.client.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Calls the MedShare service's REST API with a bearer token. Every non-2xx answer becomes a
 * {@link ServiceException} whose message is the RFC 9457 problem's {@code title: detail} (or the bare
 * status when the body is not problem+json); no answer at all becomes one with status
 * {@link ServiceException#UNREACHABLE}. Thread-safe: one instance serves a pool of upload workers.
 */
public final class ServiceClient {
    private static final int MAX_BODY = 256 << 20;

    private final URI base;
    private final TokenSource tokens;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param base    the service's base URL, e.g. {@code http://127.0.0.1:8080} (http or https)
     * @param tokens  source of bearer tokens; null for unauthenticated calls
     * @param timeout per-request timeout
     */
    public ServiceClient(URI base, TokenSource tokens, Duration timeout) {
        this.base = checkBase(base);
        this.tokens = tokens;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * Validates a user-given base URL. Plain {@code http} is accepted only to a loopback host ({@code localhost},
     * {@code 127.x.x.x}, {@code [::1]}): anywhere else tokens and passwords would cross the network in clear.
     *
     * @throws IllegalArgumentException if it is not an absolute http(s) URL without query or fragment, or an
     *     {@code http} URL to another host
     */
    public static URI checkBase(URI base) {
        Objects.requireNonNull(base, "base");
        String scheme = base.getScheme();
        if (scheme == null
                || !(scheme.equals("http") || scheme.equals("https"))
                || base.getHost() == null
                || base.getRawQuery() != null
                || base.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "server URL must be an http(s) URL like http://127.0.0.1:8080, got " + base);
        }
        if (scheme.equals("http") && !isLoopback(base.getHost())) {
            throw new IllegalArgumentException("refusing plain http to " + base.getHost()
                    + ": use https (http is accepted only to localhost, 127.x.x.x or [::1])");
        }
        String s = base.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }

    /** Whether {@code host} names the loopback interface by itself (no name lookup). */
    static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost")
                || host.equals("[::1]")
                || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
    }

    /** Parses and validates a base URL given as text. */
    public static URI parseBase(String text) {
        try {
            return checkBase(new URI(text));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("server URL is not a valid URL: " + text);
        }
    }

    public URI base() {
        return base;
    }

    /** {@code GET path}; path starts with {@code /} and is already percent-encoded. */
    public HttpResult get(String path) throws ServiceException {
        return send(request(path).GET());
    }

    /** {@code GET path} returning JSON. */
    public JsonNode getJson(String path) throws ServiceException {
        return get(path).json();
    }

    /** {@code POST path} with a JSON body. */
    public HttpResult postJson(String path, byte[] json) throws ServiceException {
        return send(request(path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)));
    }

    /** {@code POST path} with {@code body} as compact JSON, returning the JSON answer. */
    public JsonNode postJson(String path, JsonNode body) throws ServiceException {
        return postJson(path, Json.compact(body).getBytes(StandardCharsets.UTF_8))
                .json();
    }

    /** {@code PUT path} with {@code body} as compact JSON, returning the JSON answer. */
    public JsonNode putJson(String path, JsonNode body) throws ServiceException {
        return send(request(path)
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(Json.compact(body))))
                .json();
    }

    /** {@code POST path} with a multipart/form-data body. */
    public HttpResult postMultipart(String path, Multipart body) throws ServiceException {
        return send(request(path)
                .header("Content-Type", body.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.bodyNoCopy())));
    }

    private HttpRequest.Builder request(String path) throws ServiceException {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with /");
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json, application/octet-stream, text/plain");
        if (tokens != null) {
            b.header("Authorization", "Bearer " + tokens.accessToken());
        }
        return b;
    }

    private HttpResult send(HttpRequest.Builder builder) throws ServiceException {
        HttpRequest request = builder.build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpTimeoutException e) {
            throw new ServiceException(
                    ServiceException.UNREACHABLE,
                    null,
                    "no answer from " + base + " within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new ServiceException(ServiceException.UNREACHABLE, null, "cannot connect to " + base);
        } catch (IOException e) {
            throw new ServiceException(
                    ServiceException.UNREACHABLE,
                    null,
                    "connection to " + base + " failed: " + oneLine(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceException(ServiceException.UNREACHABLE, null, "interrupted");
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (body.length > MAX_BODY) {
            throw new ServiceException(response.statusCode(), null, "answer too large");
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return new HttpResult(status, contentType, body);
        }
        throw failure(status, contentType, body);
    }

    /**
     * The exception for a non-2xx answer: {@code title: detail} from an RFC 9457 problem (§3.1), else
     * {@code HTTP <status>}.
     */
    public static ServiceException failure(int status, String contentType, byte[] body) {
        if (contentType.toLowerCase(Locale.ROOT).startsWith("application/problem+json")
                || contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            try {
                JsonNode problem = Json.parse(body);
                String title = Json.text(problem, "title");
                String detail = Json.text(problem, "detail");
                if (title != null || detail != null) {
                    String msg = title == null ? detail : detail == null ? title : title + ": " + detail;
                    return new ServiceException(
                            status, Json.text(problem, "type"), oneLine(msg) + " (HTTP " + status + ")");
                }
            } catch (IOException notJson) {
                // fall through to the bare status
            }
        }
        return new ServiceException(status, null, "HTTP " + status + reason(status));
    }

    private static String reason(int status) {
        return switch (status) {
            case 401 -> " (not authenticated: run medshare login)";
            case 403 -> " (forbidden for your role or organisation)";
            case 404 -> " (not found)";
            default -> "";
        };
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String one = s.replaceAll("[\\r\\n\\t]+", " ").trim();
        return one.length() > 400 ? one.substring(0, 400) + "..." : one;
    }

    /** Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept). */
    public static String encode(String value) {
        StringBuilder s = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                s.append((char) c);
            } else {
                s.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return s.toString();
    }
}
