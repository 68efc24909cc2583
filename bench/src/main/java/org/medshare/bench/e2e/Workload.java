package org.medshare.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.medshare.bench.scale.SyntheticPopulation;
import org.medshare.client.http.Json;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.query.ApprovalTerms;

/** What the end-to-end runners share: 1-10 KB bundles, the service client, latency statistics, the header. */
final class Workload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Workload() {}

    /**
     * {@code count} distinct FHIR bundles of at most 10 KiB whose rows the extractor maps: the one-encounter
     * cuts of the sample bundles ({@link SyntheticPopulation#mappedCuts}), each given its own {@code Bundle.id}
     * {@code tag-i} so that every one is a different record.
     */
    static List<byte[]> bundles(Path samples, String tag, int count) throws IOException, GeneralSecurityException {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(bundle(samples, tag, i));
        }
        return out;
    }

    private static List<byte[]> cuts;

    /** Bundle {@code i} of {@link #bundles}, alone. */
    static synchronized byte[] bundle(Path samples, String tag, int i) throws IOException, GeneralSecurityException {
        if (cuts == null) {
            cuts = SyntheticPopulation.mappedCuts(samples, 10 * 1024 - 64);
        }
        ObjectNode bundle = (ObjectNode) JSON.readTree(cuts.get(i % cuts.size()));
        bundle.put("id", tag + "-" + i);
        return JSON.writeValueAsBytes(bundle);
    }

    /** Lets insurance statistics use {@code user}'s hospital's records ({@code insurance-stats/*}). */
    static void allowInsuranceStatistics(String server, String realm, String user) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(server + "/api/v1/data-use-rules"))
                                .header("Authorization", "Bearer " + new Realm(realm, user).accessToken())
                                .header("Content-Type", "application/json")
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"rules\":[\"insurance-stats/*\"]}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("data-use rules of " + user + ": HTTP " + r.statusCode());
        }
    }

    /**
     * The regulator approves query {@code id} with its own key: signs the query's current approval terms (valid for
     * ten minutes) and posts them, which runs the query; the query as the service answers then.
     */
    static JsonNode approve(ServiceClient regulator, String id, KeyPair approvalKey) throws ServiceException {
        JsonNode terms = regulator.getJson("/api/v1/queries/" + id + "/approval-terms");
        return regulator.postJson(
                "/api/v1/queries/" + id + "/approve",
                Json.object()
                        .put(
                                "approval",
                                Base64.getEncoder()
                                        .encodeToString(ApprovalTerms.sign(
                                                        id, terms, Instant.now().plusSeconds(600), approvalKey)
                                                .toBytes())));
    }

    static ServiceClient client(String server, Realm tokens) {
        return new ServiceClient(URI.create(server), tokens, Duration.ofSeconds(120));
    }

    /** Percentile (nearest rank) of sorted values. */
    static double percentile(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length);
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, rank - 1))] / 1e6;
    }

    static String latencies(List<Long> nanos) {
        long[] a = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return String.format(
                Locale.ROOT,
                "p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms (n = %d)",
                percentile(a, 50),
                percentile(a, 95),
                percentile(a, 99),
                a.length == 0 ? Double.NaN : a[a.length - 1] / 1e6,
                a.length);
    }

    /** Date, machine and JDK, as the other result files record them. */
    static String header(String command) {
        String cpu = "?";
        String mem = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .map(l -> Math.round(Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0) + " GiB")
                    .orElse("?");
        } catch (IOException | UncheckedIOException e) {
            // not Linux: leave the question marks
        }
        return "date: " + Instant.now() + "\nmachine: " + System.getProperty("os.name") + " "
                + System.getProperty("os.version")
                + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores, " + mem
                + "\ncpu: " + cpu + "\njdk: " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version")
                + "\ncommand: " + command + "\n";
    }

    /** Runs the packaged command line {@code jar} with configuration {@code config}; its output, or fails. */
    static String cli(Path jar, Path config, String stdin, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("MEDSHARE_CONFIG", config.toString());
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("medshare " + args[0] + " failed: " + output);
        }
        return output;
    }
}
