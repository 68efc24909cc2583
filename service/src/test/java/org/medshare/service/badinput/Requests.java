package org.medshare.service.badinput;

import io.restassured.RestAssured;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.medshare.service.testing.HospitalClient.Upload;
import org.medshare.service.testing.OpenApiValidation;

/**
 * Sends the corpus's requests byte for byte as written (the JDK's HTTP client: no client-side encoding, no
 * content-type rewriting), holds every answer to the OpenAPI document ({@link OpenApiValidation}), and small
 * builders for their bodies.
 */
final class Requests {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private static final String BOUNDARY = "corpus-boundary-7d1f";

    /** One part of a multipart/form-data body; {@code filename} may be null. */
    record Part(String name, String filename, String contentType, byte[] bytes) {}

    private Requests() {}

    static Function<Fixture, Answer> json(String method, String path, String body) {
        return fx -> send(method, path, "application/json", fx.resolve(body).getBytes(StandardCharsets.UTF_8), null);
    }

    static Function<Fixture, Answer> json(String method, Function<Fixture, String> path, String body) {
        return fx -> send(
                method, path.apply(fx), "application/json", fx.resolve(body).getBytes(StandardCharsets.UTF_8), null);
    }

    static Function<Fixture, Answer> json(
            String method, Function<Fixture, String> path, Function<Fixture, String> body) {
        return fx ->
                send(method, path.apply(fx), "application/json", body.apply(fx).getBytes(StandardCharsets.UTF_8), null);
    }

    static Function<Fixture, Answer> raw(String method, String path, String contentType, byte[] body) {
        return fx -> send(method, path, contentType, body, null);
    }

    /** A request without a body; the path is sent as written (already percent-encoded where needed). */
    static Function<Fixture, Answer> call(String method, String path) {
        return fx -> send(method, path, null, null, null);
    }

    static Function<Fixture, Answer> call(String method, Function<Fixture, String> path) {
        return fx -> send(method, path.apply(fx), null, null, null);
    }

    static Function<Fixture, Answer> accepting(String accept, String method, String path) {
        return fx -> send(method, path, null, null, accept);
    }

    /** "METHOD path" of every request sent, without the query (for the endpoint-coverage check). */
    static final Set<String> SENT = ConcurrentHashMap.newKeySet();

    static Answer send(String method, String path, String contentType, byte[] body, String accept) {
        int query = path.indexOf('?');
        SENT.add(method + " " + (query < 0 ? path : path.substring(0, query)));
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            HttpResponse<String> response =
                    HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            OpenApiValidation.INSTANCE.verify(
                    method,
                    response.uri(),
                    response.statusCode(),
                    response.headers().map(),
                    response.body());
            return new Answer(
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " got no answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Posts an upload as the hospital's client does: parts metadata, envelope and rows. */
    static Answer post(Upload upload) {
        return multipart(
                new Part(
                        "metadata",
                        null,
                        "text/plain; charset=UTF-8",
                        upload.metadata().getBytes(StandardCharsets.UTF_8)),
                envelopePart(upload.envelope),
                rowsPart(upload.rows));
    }

    static Part envelopePart(byte[] bytes) {
        return new Part("envelope", "envelope.bin", "application/octet-stream", bytes);
    }

    static Part rowsPart(byte[] bytes) {
        return new Part("rows", "rows.bin", "application/octet-stream", bytes);
    }

    static Answer multipart(Part... parts) {
        return send(
                "POST", "/api/v1/records", "multipart/form-data; boundary=" + BOUNDARY, form(BOUNDARY, parts), null);
    }

    /** A multipart/form-data body (RFC 7578). */
    static byte[] form(String boundary, Part... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
                    + (part.filename() == null ? "" : "; filename=\"" + part.filename() + "\"")
                    + "\r\nContent-Type: " + part.contentType() + "\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(part.bytes());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static List<BadInput> fromFile(String file, String method, Function<Fixture, String> path) {
        List<BadInput> out = new ArrayList<>();
        for (CorpusFile.Entry e : CorpusFile.read(file)) {
            out.add(new BadInput(e.name(), e.status(), e.kind(), json(method, path, e.body())));
        }
        return out;
    }

    /** {@code depth} nested arrays: {@code [[[...]]]}. */
    static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    /** A JSON object padded with {@code spaces} insignificant whitespace before its last brace. */
    static String padded(String json, int spaces) {
        return json.substring(0, json.length() - 1) + " ".repeat(spaces) + "}";
    }

    /** Percent-encodes every byte of {@code text}'s UTF-8 form that is not unreserved (RFC 3986 §2.3). */
    static String encode(String text) {
        StringBuilder b = new StringBuilder();
        for (byte x : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                b.append(c);
            } else {
                b.append('%').append(String.format("%02X", x & 0xff));
            }
        }
        return b.toString();
    }
}
