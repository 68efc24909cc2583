package org.medshare.client.node;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.consortium.ConsortiumNode;
import org.medshare.ledger.merkle.InclusionProof;

/**
 * A node's read-only HTTP view of its own copy of the log. Only GET; nothing here changes the log. The checkpoint
 * paths serve the latest <em>final</em> checkpoint (the quorum's cosignatures) as a C2SP signed note; the proof paths
 * answer in the same JSON as the service's audit API, so {@code medshare audit watch --nodes} polls nodes and the
 * service alike:
 *
 * <ul>
 *   <li>{@code GET /checkpoint} and {@code GET /api/v1/audit/checkpoint}: the signed note (404 before the first);
 *   <li>{@code GET /api/v1/audit/proofs/consistency?from=&to=}: {@code {fromSize, toSize, proof}} (RFC 9162
 *       §2.1.4, base64 hashes);
 *   <li>{@code GET /api/v1/audit/proofs/inclusion?index=[&size=]}: a receipt against the final checkpoint of that
 *       size, or the latest final one covering the entry;
 *   <li>{@code GET /health}: organisation, whether it leads, entries held, size of the latest final checkpoint.
 * </ul>
 *
 * Errors are RFC 9457 problem+json with a one-line detail.
 */
final class NodeHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConsortiumNode node;
    private final HttpServer server;
    private final ExecutorService executor;

    private NodeHttp(ConsortiumNode node, HttpServer server, ExecutorService executor) {
        this.node = node;
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} and starts serving. */
    static NodeHttp start(ConsortiumNode node, InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address.getHostString(), address.getPort()), 64);
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "node-http");
            t.setDaemon(true);
            return t;
        });
        NodeHttp http = new NodeHttp(node, server, executor);
        server.createContext("/", http::handle);
        server.setExecutor(executor);
        server.start();
        return http;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                problem(exchange, 405, "method-not-allowed", "this node's log is read-only: GET only");
                return;
            }
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            switch (path) {
                case "/checkpoint", "/api/v1/audit/checkpoint" -> checkpoint(exchange);
                case "/api/v1/audit/proofs/consistency" -> consistency(exchange, query);
                case "/api/v1/audit/proofs/inclusion" -> inclusion(exchange, query);
                case "/health" -> health(exchange);
                default -> problem(exchange, 404, "not-found", "no such path on a ledger node: " + path);
            }
        } catch (BadRequest e) {
            problem(exchange, 400, "invalid-parameter", e.getMessage());
        } catch (RuntimeException e) {
            problem(exchange, 500, "node-error", "the node could not answer");
        } finally {
            exchange.close();
        }
    }

    private void checkpoint(HttpExchange exchange) throws IOException {
        Optional<SignedCheckpoint> latest = node.latestFinal();
        if (latest.isEmpty()) {
            problem(exchange, 404, "no-final-checkpoint", "no checkpoint is final yet");
            return;
        }
        send(exchange, 200, "text/plain; charset=utf-8", latest.get().format().getBytes(StandardCharsets.UTF_8));
    }

    private void consistency(HttpExchange exchange, Map<String, String> query) throws IOException {
        long from = number(query, "from", 0);
        long to = number(query, "to", 1);
        AuditLog log = node.log();
        if (from > to || to > log.size()) {
            throw new BadRequest("need 0 <= from <= to <= " + log.size() + " (entries held)");
        }
        ObjectNode body = JSON.createObjectNode().put("fromSize", from).put("toSize", to);
        base64(body.putArray("proof"), log.consistencyProof(from, to).hashes());
        json(exchange, body);
    }

    private void inclusion(HttpExchange exchange, Map<String, String> query) throws IOException {
        long index = number(query, "index", 0);
        Long size = query.containsKey("size") ? number(query, "size", 1) : null;
        SignedCheckpoint against = null;
        for (SignedCheckpoint c : node.finalCheckpoints()) {
            long s = c.checkpoint().size();
            if (size == null ? s > index : s == size) {
                against = c;
            }
        }
        if (size != null && index >= size) {
            throw new BadRequest("entry " + index + " is not in a tree of size " + size);
        }
        if (against == null) {
            problem(
                    exchange,
                    404,
                    "no-final-checkpoint",
                    size == null
                            ? "no final checkpoint covers entry " + index + " yet"
                            : "no final checkpoint of size " + size + " is stored here");
            return;
        }
        long treeSize = against.checkpoint().size();
        InclusionProof proof = node.log().inclusionProof(index, treeSize);
        Base64.Encoder b64 = Base64.getEncoder();
        ObjectNode body = JSON.createObjectNode()
                .put("index", index)
                .put("leafHash", b64.encodeToString(proof.leafHash()))
                .put("treeSize", treeSize);
        base64(body.putArray("inclusionProof"), proof.hashes());
        body.put("checkpoint", against.format());
        json(exchange, body);
    }

    private void health(HttpExchange exchange) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("organisation", node.organisation())
                .put("leader", node.isLeader())
                .put("entries", node.log().size());
        Optional<SignedCheckpoint> latest = node.latestFinal();
        if (latest.isPresent()) {
            body.put("finalSize", latest.get().checkpoint().size());
        } else {
            body.putNull("finalSize");
        }
        json(exchange, body);
    }

    private static void base64(ArrayNode array, List<byte[]> hashes) {
        hashes.forEach(h -> array.add(Base64.getEncoder().encodeToString(h)));
    }

    private static long number(Map<String, String> query, String name, long min) {
        String text = query.get(name);
        if (text == null) {
            throw new BadRequest("query parameter " + name + " is required");
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadRequest("query parameter " + name + " must be a whole number");
        }
        if (value < min) {
            throw new BadRequest("query parameter " + name + " must be at least " + min);
        }
        return value;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            if (out.putIfAbsent(name, value) != null) {
                throw new BadRequest("query parameter " + name + " is given twice");
            }
        }
        return out;
    }

    private static void json(HttpExchange exchange, ObjectNode body) throws IOException {
        send(exchange, 200, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void problem(HttpExchange exchange, int status, String type, String detail) throws IOException {
        ObjectNode body = JSON.createObjectNode()
                .put("type", "https://medshare.example/problems/" + type)
                .put("title", type.replace('-', ' '))
                .put("status", status)
                .put("detail", detail);
        send(exchange, status, "application/problem+json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** Stops serving (requests in flight get a second to finish). */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
