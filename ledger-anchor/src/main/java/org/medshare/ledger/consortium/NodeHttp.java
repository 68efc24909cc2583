package org.medshare.ledger.consortium;

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
import org.medshare.ledger.checkpoint.SignedNote;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.tiles.LogTiles;
import org.medshare.ledger.tiles.MalformedTilePathException;
import org.medshare.ledger.tiles.TiledLog;

/**
 * A node's HTTP interface: its witness's C2SP tlog-witness {@code add-checkpoint} request, and a read-only view of
 * its own copy of the log. {@code POST /add-checkpoint} ({@link ConsortiumNode#addCheckpoint}) is the only request
 * that is not a GET, and it changes no entry: at most this witness's record of the last checkpoint it cosigned. The
 * checkpoint paths serve the latest <em>final</em> checkpoint (the quorum's cosignatures) as a C2SP signed note; the
 * proof paths
 * answer in the same JSON as the service's audit API, so {@code medshare audit watch --nodes} polls nodes and the
 * service alike:
 *
 * <ul>
 *   <li>{@code GET /checkpoint} and {@code GET /api/v1/audit/checkpoint}: the signed note (404 before the first);
 *   <li>{@code GET /api/v1/audit/proofs/consistency?from=&to=}: {@code {fromSize, toSize, proof}} (RFC 9162
 *       §2.1.4, base64 hashes);
 *   <li>{@code GET /api/v1/audit/proofs/inclusion?index=[&size=]}: a receipt against the final checkpoint of that
 *       size, or the latest final one covering the entry;
 *   <li>{@code GET /tile/...}: the log as C2SP tlog-tiles (hash tiles and entry bundles) of the tree at the latest
 *       final checkpoint, so any tiles client verifies it from {@code /checkpoint} and the tiles alone;
 *   <li>{@code GET /entries/N}: entry N's canonical event encoding, as stored ({@code application/octet-stream});
 *   <li>{@code GET /health}: organisation, whether it leads, entries held, size of the latest final checkpoint.
 * </ul>
 *
 * Errors are RFC 9457 problem+json with a one-line detail, except the answers of {@code add-checkpoint}, whose
 * statuses and bodies the tlog-witness specification defines.
 */
public final class NodeHttp implements AutoCloseable {

    private final ConsortiumNode node;
    private final HttpServer server;
    private final ExecutorService executor;

    private NodeHttp(ConsortiumNode node, HttpServer server, ExecutorService executor) {
        this.node = node;
        this.server = server;
        this.executor = executor;
    }

    /** Binds {@code address} and starts serving. */
    public static NodeHttp start(ConsortiumNode node, InetSocketAddress address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(address.getHostString(), address.getPort()), 64);
        ExecutorService executor = Executors.newFixedThreadPool(8, r -> {
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
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/add-checkpoint")) {
                addCheckpoint(exchange);
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().add("Allow", "GET");
                problem(exchange, 405, "method-not-allowed", "this node's log is read-only: GET only");
                return;
            }
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            switch (path) {
                case "/checkpoint", "/api/v1/audit/checkpoint" -> checkpoint(exchange);
                case "/api/v1/audit/proofs/consistency" -> consistency(exchange, query);
                case "/api/v1/audit/proofs/inclusion" -> inclusion(exchange, query);
                case "/health" -> health(exchange);
                default -> {
                    if (path.startsWith("/entries/")) {
                        entry(exchange, path.substring("/entries/".length()));
                    } else if (path.startsWith("/tile/")) {
                        tile(exchange, path.substring(1));
                    } else {
                        problem(exchange, 404, "not-found", "no such path on a ledger node: " + path);
                    }
                }
            }
        } catch (BadRequest e) {
            problem(exchange, 400, "invalid-parameter", e.getMessage());
        } catch (RuntimeException e) {
            problem(exchange, 500, "node-error", "the node could not answer");
        } finally {
            exchange.close();
        }
    }

    /** Largest add-checkpoint body: 63 proof lines and a note with {@link SignedNote#MAX_SIGNATURES} lines fit. */
    static final int MAX_WITNESS_REQUEST = 64 * 1024;

    private void addCheckpoint(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().add("Allow", "POST");
            problem(exchange, 405, "method-not-allowed", "add-checkpoint takes POST");
            return;
        }
        byte[] body = exchange.getRequestBody().readNBytes(MAX_WITNESS_REQUEST + 1);
        if (body.length > MAX_WITNESS_REQUEST) {
            problem(exchange, 413, "request-too-large", "an add-checkpoint request is at most 64 KiB");
            return;
        }
        ConsortiumNode.WitnessAnswer answer;
        try {
            answer = node.addCheckpoint(new String(body, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem(exchange, 503, "node-stopping", "the node is stopping");
            return;
        }
        send(exchange, answer.status(), answer.contentType(), answer.body().getBytes(StandardCharsets.UTF_8));
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
        json(
                exchange,
                new Json()
                        .number("fromSize", from)
                        .number("toSize", to)
                        .hashes("proof", log.consistencyProof(from, to).hashes()));
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
        json(
                exchange,
                new Json()
                        .number("index", index)
                        .string("leafHash", Base64.getEncoder().encodeToString(proof.leafHash()))
                        .number("treeSize", treeSize)
                        .hashes("inclusionProof", proof.hashes())
                        .string("checkpoint", against.format()));
    }

    private void entry(HttpExchange exchange, String indexText) throws IOException {
        long index;
        try {
            index = Long.parseLong(indexText);
        } catch (NumberFormatException e) {
            throw new BadRequest("the entry index must be a whole number");
        }
        if (index < 0) {
            throw new BadRequest("the entry index must be at least 0");
        }
        if (index >= node.log().size()) {
            problem(
                    exchange,
                    404,
                    "no-such-entry",
                    "this node holds " + node.log().size() + " entries");
            return;
        }
        send(exchange, 200, "application/octet-stream", node.log().readEncoded(index));
    }

    /** A C2SP tlog-tiles resource of the tree at the latest final checkpoint (the one {@code /checkpoint} serves). */
    private void tile(HttpExchange exchange, String path) throws IOException {
        Optional<SignedCheckpoint> latest = node.latestFinal();
        if (latest.isEmpty()) {
            problem(exchange, 404, "no-final-checkpoint", "no checkpoint is final yet");
            return;
        }
        Optional<byte[]> tile;
        try {
            tile = LogTiles.at(TiledLog.of(node.log()), latest.get()).read(path);
        } catch (MalformedTilePathException e) {
            throw new BadRequest(e.getMessage());
        }
        if (tile.isEmpty()) {
            problem(exchange, 404, "no-such-tile", "the tree at the latest final checkpoint has no " + path);
            return;
        }
        send(exchange, 200, "application/octet-stream", tile.get());
    }

    private void health(HttpExchange exchange) throws IOException {
        Json body = new Json()
                .string("organisation", node.organisation())
                .bool("leader", node.isLeader())
                .number("entries", node.log().size());
        Optional<SignedCheckpoint> latest = node.latestFinal();
        json(
                exchange,
                latest.isPresent()
                        ? body.number("finalSize", latest.get().checkpoint().size())
                        : body.nullValue("finalSize"));
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

    private static void json(HttpExchange exchange, Json body) throws IOException {
        send(exchange, 200, "application/json", body.bytes());
    }

    private static void problem(HttpExchange exchange, int status, String type, String detail) throws IOException {
        Json body = new Json()
                .string("type", "https://medshare.example/problems/" + type)
                .string("title", type.replace('-', ' '))
                .number("status", status)
                .string("detail", detail);
        send(exchange, status, "application/problem+json", body.bytes());
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

    /** A flat JSON object written in order (the few shapes this server answers with). */
    private static final class Json {
        private final StringBuilder out = new StringBuilder("{");

        private Json name(String name) {
            if (out.length() > 1) {
                out.append(',');
            }
            quote(name);
            out.append(':');
            return this;
        }

        Json string(String name, String value) {
            name(name).quote(value);
            return this;
        }

        Json number(String name, long value) {
            name(name).out.append(value);
            return this;
        }

        Json bool(String name, boolean value) {
            name(name).out.append(value);
            return this;
        }

        Json nullValue(String name) {
            name(name).out.append("null");
            return this;
        }

        Json hashes(String name, List<byte[]> hashes) {
            name(name).out.append('[');
            for (int i = 0; i < hashes.size(); i++) {
                out.append(i == 0 ? "" : ",");
                quote(Base64.getEncoder().encodeToString(hashes.get(i)));
            }
            out.append(']');
            return this;
        }

        private void quote(String text) {
            out.append('"');
            for (char c : text.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }

        byte[] bytes() {
            return (out + "}").getBytes(StandardCharsets.UTF_8);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }
}
