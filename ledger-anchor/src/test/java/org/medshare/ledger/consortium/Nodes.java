package org.medshare.ledger.consortium;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.testing.FreePorts;

/** Consortium nodes in this JVM on loopback, each with its read-only HTTP view, for the consortium tests. */
final class Nodes implements AutoCloseable {
    final Map<String, CheckpointSigner> keys = new LinkedHashMap<>();
    final Map<String, ConsortiumNode> running = new LinkedHashMap<>();
    final Map<String, NodeHttp> http = new LinkedHashMap<>();
    final Map<String, GroupTls> tls = new LinkedHashMap<>();
    final Consortium consortium;
    /** How often a leading node proposes (set it long to act as the proposer in a test). */
    Duration checkpointInterval = Duration.ofMillis(100);

    private final Path dir;

    Nodes(Path dir, List<String> organisations) throws Exception {
        this(dir, organisations, null);
    }

    /** Nodes of a group that runs with mutual TLS under {@code ca} (null: without TLS). */
    Nodes(Path dir, List<String> organisations, TransportCa ca) throws Exception {
        this.dir = dir;
        StringBuilder text =
                new StringBuilder("origin medshare.test/consortium\ngroup " + UUID.randomUUID() + "\nsuite nist\n");
        int[] ports = FreePorts.distinct(2 * organisations.size());
        for (int i = 0; i < organisations.size(); i++) {
            String org = organisations.get(i);
            keys.put(org, NoteKeys.generateEd25519(org));
            text.append("member ")
                    .append(org)
                    .append(" 127.0.0.1:")
                    .append(ports[2 * i])
                    .append(" 127.0.0.1:")
                    .append(ports[2 * i + 1])
                    .append(' ')
                    .append(keys.get(org).verifier().encode())
                    .append('\n');
        }
        if (ca != null) {
            text.append("tls-root ")
                    .append(Base64.getEncoder().encodeToString(ca.root().getEncoded()))
                    .append('\n');
            for (String org : organisations) {
                TransportCa.Issued issued = ca.issue(org, List.of("127.0.0.1"));
                tls.put(org, GroupTls.of(issued.key(), issued.certificate(), ca.root()));
            }
        }
        this.consortium = Consortium.parse(text.toString());
    }

    /** Starts (or restarts, on its own directory) the node of {@code org} and its HTTP view. */
    ConsortiumNode start(String org) throws Exception {
        ConsortiumNode node = ConsortiumNode.start(
                consortium,
                org,
                keys.get(org),
                tls.get(org),
                dir.resolve(org),
                checkpointInterval,
                Duration.ofMillis(500));
        running.put(org, node);
        http.put(org, NodeHttp.start(node, consortium.member(org).http()));
        return node;
    }

    void startAll() throws Exception {
        for (Consortium.Member m : consortium.members()) {
            start(m.organisation());
        }
    }

    void stop(String org) throws IOException {
        NodeHttp view = http.remove(org);
        if (view != null) {
            view.close();
        }
        running.remove(org).close();
    }

    Path ledgerDir(String org) {
        return dir.resolve(org).resolve("ledger");
    }

    @Override
    public void close() throws IOException {
        for (String org : List.copyOf(running.keySet())) {
            stop(org);
        }
    }

    static List<Event> uploads(int from, int to) {
        List<Event> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(Event.upload(
                    1_764_000_000_000L + i,
                    i % 2 == 0 ? "hospital-a" : "hospital-b",
                    "rec-" + i,
                    SaltedHash.sha256(("content-" + i).getBytes(StandardCharsets.UTF_8)),
                    SaltedHash.sha256(("policy-" + i).getBytes(StandardCharsets.UTF_8))));
        }
        return out;
    }

    static List<byte[]> encoded(List<Event> events) {
        return events.stream().map(EventCodec::encode).toList();
    }
}
