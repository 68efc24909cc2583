package org.medshare.client.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.medshare.client.CliFailure;
import org.medshare.client.http.ServiceClient;
import org.medshare.client.http.ServiceException;
import org.medshare.client.login.ServiceCommand;
import org.medshare.client.login.SessionOptions;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.TreeHasher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code medshare audit watch --keys FILE... --store DIR [--nodes URL...] [--rounds N] [--every SECONDS]}
 * (regulator): polls the latest signed checkpoint of every node (default: the service) and keeps each one it
 * sees in {@code DIR} ({@link SeenCheckpoints}), so that what one run saw binds every later run. Exit 1, naming
 * both notes (the contradicting one is saved beside the kept ones), when:
 * <ul>
 *   <li>two nodes, or one node at two times, present different roots for one tree size (a split view);</li>
 *   <li>a node's size goes backwards;</li>
 *   <li>a node's checkpoint is larger than the largest kept and the node cannot prove it consistent with that
 *       one (RFC 9162 consistency proof from {@code GET /api/v1/audit/proofs/consistency}): its log was
 *       rewritten.</li>
 * </ul>
 * A note without a signature from the given keys, or of another origin, is also exit 1. Exit 0 after
 * {@code --rounds} rounds (0: until interrupted); 2 on a usage error.
 */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = "Poll every node's signed checkpoint, keep each one seen, and exit 1 on a split view, a size"
                + " going backwards or a checkpoint inconsistent with those kept (regulator).")
public final class AuditWatchCommand extends ServiceCommand {
    @Option(
            names = "--nodes",
            arity = "1..*",
            paramLabel = "URL",
            description = "base URLs of the nodes to poll (default: the service)")
    List<String> nodes = new ArrayList<>();

    @Option(
            names = "--keys",
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "verifier key files of the consortium members")
    List<Path> keys;

    @Option(
            names = "--store",
            required = true,
            paramLabel = "DIR",
            description = "directory keeping every checkpoint seen (<size>.note), reused across runs")
    Path store;

    @Option(
            names = "--suite",
            defaultValue = "nist",
            paramLabel = "nist|gm",
            description = "the ledger's algorithm suite (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--rounds", defaultValue = "0", paramLabel = "N", description = "polls of every node (0: forever)")
    int rounds;

    @Option(names = "--every", defaultValue = "10", paramLabel = "SECONDS", description = "pause between rounds")
    int everySeconds;

    private final Map<URI, SignedCheckpoint> lastByNode = new HashMap<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (rounds < 0 || everySeconds < 1) {
            throw CliFailure.usage("--rounds must be >= 0 and --every >= 1");
        }
        TreeHasher hasher;
        try {
            hasher = LedgerSuite.fromId(suite).treeHasher();
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("--suite: " + e.getMessage());
        }
        List<NoteVerifier> trusted = MemberKeys.read(keys);
        List<ServiceClient> clients = new ArrayList<>();
        if (nodes.isEmpty()) {
            clients.add(client());
        }
        for (String node : nodes) {
            URI base;
            try {
                base = ServiceClient.parseBase(node);
            } catch (IllegalArgumentException e) {
                throw CliFailure.usage("--nodes: " + e.getMessage());
            }
            clients.add(session.client(base));
        }
        SeenCheckpoints seen;
        try {
            seen = SeenCheckpoints.open(store, hasher.hashSize());
        } catch (IOException e) {
            throw CliFailure.usage("--store " + store + ": " + e.getMessage());
        }
        for (int round = 1; rounds == 0 || round <= rounds; round++) {
            if (round > 1) {
                Thread.sleep(everySeconds * 1000L);
            }
            for (ServiceClient node : clients) {
                observe(node, seen, trusted, hasher);
            }
        }
        return 0;
    }

    private void observe(ServiceClient node, SeenCheckpoints seen, List<NoteVerifier> trusted, TreeHasher hasher)
            throws IOException {
        URI at = node.base();
        String text =
                SessionOptions.answer(() -> node.get("/api/v1/audit/checkpoint").text());
        SignedCheckpoint cp;
        try {
            cp = SignedCheckpoint.parse(text, hasher.hashSize());
            cp.verify(trusted);
        } catch (MalformedNoteException | GeneralSecurityException e) {
            throw CliFailure.verification(at + ": its checkpoint does not verify: " + e.getMessage());
        }
        long size = cp.checkpoint().size();
        if (seen.origin() != null && !seen.origin().equals(cp.checkpoint().origin())) {
            throw CliFailure.verification(at + ": checkpoint of origin '"
                    + cp.checkpoint().origin() + "', kept ones are '" + seen.origin() + "'");
        }
        SignedCheckpoint previous = lastByNode.get(at);
        if (previous != null && size < previous.checkpoint().size()) {
            throw CliFailure.verification(
                    at + " went backwards: size " + previous.checkpoint().size() + " ("
                            + seen.fileFor(previous.checkpoint().size()) + ") then " + size + " ("
                            + seen.keepEvidence(cp, at.getAuthority()) + ")");
        }
        SignedCheckpoint same = seen.at(size);
        if (same != null && !same.checkpoint().equals(cp.checkpoint())) {
            throw CliFailure.verification("split view at size " + size + ": " + seen.fileFor(size) + " and "
                    + seen.keepEvidence(cp, at.getAuthority()) + " (from " + at + ") have different roots");
        }
        SignedCheckpoint largest = seen.largest();
        if (largest != null && size > largest.checkpoint().size()) {
            long from = largest.checkpoint().size();
            String why = inconsistency(node, hasher, largest, cp);
            if (why != null) {
                throw CliFailure.verification(at + ": checkpoint of size " + size + " ("
                        + seen.keepEvidence(cp, at.getAuthority()) + ") is not consistent with " + seen.fileFor(from)
                        + ": " + why);
            }
        }
        seen.keep(cp);
        lastByNode.put(at, cp);
        out().println(at + ": size " + size + " root "
                + HexFormat.of().formatHex(cp.checkpoint().rootHash()) + (same == null ? " (new, kept)" : " (seen)"));
        out().flush();
    }

    /** Why {@code node} cannot prove {@code newer} consistent with {@code older}, or null when it can. */
    private static String inconsistency(
            ServiceClient node, TreeHasher hasher, SignedCheckpoint older, SignedCheckpoint newer) {
        long from = older.checkpoint().size();
        long to = newer.checkpoint().size();
        JsonNode answer;
        try {
            answer = node.getJson("/api/v1/audit/proofs/consistency?from=" + from + "&to=" + to);
        } catch (ServiceException e) {
            return "no consistency proof: " + e.getMessage();
        }
        List<byte[]> hashes = new ArrayList<>();
        try {
            for (JsonNode h : answer.path("proof")) {
                hashes.add(Base64.getDecoder().decode(h.asText()));
            }
            new ConsistencyProof(from, to, hashes)
                    .verify(
                            hasher,
                            older.checkpoint().rootHash(),
                            newer.checkpoint().rootHash());
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return "the consistency proof does not verify: " + e.getMessage();
        }
        return null;
    }
}
