package org.medshare.ledger.anchor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real local EVM node for tests: npm {@code ganache} (pinned in src/test/evm/package-lock.json,
 * installed by the build) in a child process on 127.0.0.1, on a free port, with its chain in a
 * directory of its own so that it can be stopped (by its process, never by name) and started again
 * with the same chain on the same port. Funds accounts from ganache's unlocked development accounts.
 */
public final class GanacheNode implements AutoCloseable {
    /** The chain id the node runs with. */
    public static final long CHAIN_ID = 1337;

    private static final Pattern HEX_RESULT = Pattern.compile("\"result\":\\[?\"(0x[0-9a-fA-F]+)\"");

    private final Path cli;
    private final Path chainDir;
    private final Path logFile;
    private final int port;
    private Process process;
    private AnchorChain client;

    private GanacheNode(Path cli, Path chainDir, int port) {
        this.cli = cli;
        this.chainDir = chainDir;
        this.logFile = chainDir.resolveSibling(chainDir.getFileName() + ".log");
        this.port = port;
    }

    /** Starts a node with a fresh chain in {@code workDir}. */
    public static GanacheNode start(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        GanacheNode node = new GanacheNode(ganacheCli(), Files.createTempDirectory(workDir, "chain"), freePort());
        node.startAgain();
        return node;
    }

    /** The node's JSON-RPC URL. */
    public URI rpc() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Stops the node's process and waits until it exited; the chain stays on disk. */
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the node again on the same port with the chain it had. */
    public void startAgain() throws IOException {
        if (process != null) {
            throw new IllegalStateException("already running");
        }
        ProcessBuilder pb = new ProcessBuilder(
                        "node",
                        cli.toString(),
                        "--server.host",
                        "127.0.0.1",
                        "--server.port",
                        Integer.toString(port),
                        "--wallet.deterministic",
                        "--chain.chainId",
                        Long.toString(CHAIN_ID),
                        "--database.dbPath",
                        chainDir.toString(),
                        "--logging.quiet")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("ganache exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                rpcCall("eth_chainId", "[]");
                return;
            } catch (IOException notYet) {
                sleep(200);
            }
        }
        stop();
        throw new IOException("ganache did not answer on " + rpc() + " within 60 s; see " + logFile);
    }

    /**
     * Writes a fresh random key to an owner-only file in {@code dir}, funds its account with 10 ether from
     * a development account, and returns the file.
     */
    public Path fundedKeyFile(Path dir) throws IOException {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        secret[0] &= 0x7f; // below the secp256k1 order
        Path file = Files.createTempFile(
                dir,
                "anchor",
                ".key",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, HexFormat.of().formatHex(secret) + "\n", StandardCharsets.US_ASCII);
        String to = AnchorAccount.load(file).address().toString();
        String from = devAccounts().get(0);
        rpcCall(
                "eth_sendTransaction",
                "[{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"value\":\"0x"
                        + BigInteger.TEN.pow(19).toString(16) + "\"}]");
        return file;
    }

    /** Ganache's unlocked development accounts. */
    public List<String> devAccounts() throws IOException {
        String body = rpcCall("eth_accounts", "[]");
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("0x[0-9a-fA-F]{40}").matcher(body);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    /** Sends one JSON-RPC request; returns the response body, or throws if it holds an error. */
    public String rpcCall(String method, String paramsJson) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(rpc())
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + paramsJson + "}"))
                .build();
        try {
            String body = HttpClient.newHttpClient()
                    .send(request, HttpResponse.BodyHandlers.ofString())
                    .body();
            if (body.contains("\"error\"")) {
                throw new IOException(method + ": " + body);
            }
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The current block number. */
    public long blockNumber() throws IOException {
        Matcher m = HEX_RESULT.matcher(rpcCall("eth_blockNumber", "[]"));
        if (!m.find()) {
            throw new IOException("eth_blockNumber answered nothing");
        }
        return Long.parseLong(m.group(1).substring(2), 16);
    }

    /** A web3j client of this node, closed with it. */
    public synchronized AnchorChain client() {
        if (client == null) {
            client = AnchorChain.connect(rpc(), Duration.ofSeconds(20));
        }
        return client;
    }

    /** Closes the client and stops the node. */
    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
        stop();
    }

    private static Path ganacheCli() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path cli = dir.resolve("ledger-anchor/src/test/evm/node_modules/ganache/dist/node/cli.js");
            if (Files.isRegularFile(cli)) {
                return cli;
            }
            dir = dir.getParent();
        }
        throw new UncheckedIOException(new IOException(
                "ganache is not installed: run `npm ci` in ledger-anchor/src/test/evm (the Maven build does it)"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
