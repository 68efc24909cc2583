package org.medshare.systemtests;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code service/target/*-runner.jar}) as a child process on its own port and data
 * directory, the way an operator runs it. {@link #kill()} is a crash (SIGKILL of the service, then of the
 * enclave JVMs it had started, all by process id); {@link #start()} again reuses the same directory and port.
 */
final class PackagedService implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);

    private final Path runner;
    private final Path dataDir;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
    private List<ProcessHandle> children = List.of();
    private final Path partyKeys;
    private final Map<String, String> environment;
    private int starts;

    /** @param partyKeys the consortium's party keys file the service starts the key authority with */
    PackagedService(Path runner, Path dataDir, int port, Path partyKeys) {
        this(runner, dataDir, port, partyKeys, Map.of());
    }

    /** @param environment further settings for the service's process (e.g. {@code MEDSHARE_LEDGER_CONSORTIUM}) */
    PackagedService(Path runner, Path dataDir, int port, Path partyKeys, Map<String, String> environment) {
        this.runner = runner;
        this.dataDir = dataDir;
        this.port = port;
        this.partyKeys = partyKeys;
        this.environment = Map.copyOf(environment);
    }

    /** A port of the 19500-19599 range nobody listens on, else any free port. */
    static int freePort() throws IOException {
        for (int p = 19500; p < 19600; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException busy) {
                // next
            }
        }
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Starts the service and waits until {@code /q/health/ready} answers 200. */
    void start() throws IOException, InterruptedException {
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException("no packaged service at " + runner + " (run mvn verify from the root)");
        }
        Files.createDirectories(dataDir.resolve("logs"));
        ProcessBuilder pb = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", runner.toString());
        pb.environment().put("MEDSHARE_DATA_DIR", dataDir.toString());
        pb.environment().put("MEDSHARE_HTTP_PORT", Integer.toString(port));
        pb.environment().put("MEDSHARE_ENCLAVE_PARTY_KEYS", partyKeys.toString());
        pb.environment().putAll(environment);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(
                dataDir.resolve("logs/service-run-" + (++starts) + ".out").toFile()));
        process = pb.start();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the service exited with " + process.exitValue() + "; see " + dataDir.resolve("logs"));
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the service was not ready within " + READY_TIMEOUT);
    }

    /** SIGKILL: the service gets no chance to flush, close or roll back anything. */
    void kill() throws InterruptedException {
        children = process.descendants().toList();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
        children = List.of();
    }

    /** Orderly stop (SIGTERM), then the enclave JVMs if any is left. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        List<ProcessHandle> kids = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle kid : kids) {
            if (kid.isAlive()) {
                kid.destroyForcibly();
            }
        }
    }
}
