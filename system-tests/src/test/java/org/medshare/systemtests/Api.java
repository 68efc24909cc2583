package org.medshare.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Plain HTTP calls to the service and to Keycloak (real tokens of the sample realm). */
final class Api {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String REALM = System.getProperty("medshare.keycloak", "http://127.0.0.1:18080/realms/medshare");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;

    Api(String base) {
        this.base = base;
    }

    /** An access token of a sample-realm user (password grant of the medshare-cli client). */
    static String token(String user) throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=medshare-cli&username=" + user + "&password="
                + URLEncoder.encode(user + "-password", StandardCharsets.UTF_8);
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(REALM + "/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("Keycloak refused a token for " + user + ": HTTP " + r.statusCode()
                    + " (is scripts/keycloak.sh running?)");
        }
        return JSON.readTree(r.body()).path("access_token").asText();
    }

    /** A JSON call; fails unless the status is {@code expect}. */
    JsonNode call(String method, String path, String token, String json, int expect)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expect) {
            throw new AssertionError(
                    method + " " + path + ": expected HTTP " + expect + ", got " + r.statusCode() + ": " + r.body());
        }
        return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
    }

    byte[] bytes(String path, String token) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + path))
                        .timeout(Duration.ofSeconds(60))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": HTTP " + r.statusCode());
        }
        return r.body();
    }
}
