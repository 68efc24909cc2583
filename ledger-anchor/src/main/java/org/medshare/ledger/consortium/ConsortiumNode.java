package org.medshare.ledger.consortium;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.checkpoint.SignedNote;
import org.medshare.ledger.replication.AuditLogMemberLog;
import org.medshare.ledger.replication.Cosignature;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.replication.LedgerMember;
import org.medshare.ledger.replication.MemberConfig;
import org.medshare.ledger.replication.MemberKey;
import org.medshare.ledger.replication.Proposal;
import org.medshare.ledger.replication.TreeHead;
import org.medshare.ledger.replication.WitnessRefusedException;
import org.medshare.ledger.storage.TamperDetectedException;

/**
 * One organisation's node of the consortium ledger: its own durable copy of the log ({@code DIR/ledger}), its Raft
 * member ({@code DIR/raft}) and its witness, under its own checkpoint key. While it leads the group it proposes a
 * checkpoint of the new entries every {@code checkpointInterval} to every member's witness (this one's included)
 * through the C2SP tlog-witness {@code add-checkpoint} request ({@link #addCheckpoint}, served by {@link NodeHttp}),
 * with a consistency proof from the last checkpoint that witness cosigned (learnt from its 409 answers). A witness
 * cosigns only after checking the proof and its own copy, and submits its cosignature to the group; a checkpoint
 * with cosignatures from the consortium's quorum is final and stored, with every cosignature line, in each
 * member's checkpoint file.
 *
 * <p>Guarantees: {@link #latestFinal()} is read from this node's own checkpoint file, so it survives restarts and
 * carries at least a quorum of valid member signatures. A node restarted on the same directory recovers its log and
 * catches up from the group. Thread-safe.
 */
public final class ConsortiumNode implements AutoCloseable {
    private final Consortium consortium;
    private final String organisation;
    private final AuditLog log;
    private final LedgerMember member;
    private final MemberKey key;
    private final ScheduledExecutorService proposer;
    private final AtomicReference<Exception> lastProposalFailure = new AtomicReference<>();
    /** The size each witness last cosigned, as far as this node (when it leads) has learnt. */
    private final Map<String, Long> witnessSizes = new ConcurrentHashMap<>();

    private final HttpClient http;

    /** How long a witness waits for the entries a checkpoint covers to reach its own copy. */
    static final Duration WITNESS_WAIT = Duration.ofSeconds(5);
    /** Content type of a witness's 409 answer: the size of the last checkpoint it cosigned. */
    public static final String SIZE_CONTENT_TYPE = "text/x.tlog.size";

    private ConsortiumNode(
            Consortium consortium,
            String organisation,
            AuditLog log,
            LedgerMember member,
            MemberKey key,
            Duration interval) {
        this.consortium = consortium;
        this.organisation = organisation;
        this.log = log;
        this.member = member;
        this.key = key;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        this.proposer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ledger-proposer-" + organisation);
            t.setDaemon(true);
            return t;
        });
        proposer.scheduleWithFixedDelay(
                this::proposeIfLeading, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Opens (or creates) the node's log under {@code dir} and joins the group.
     *
     * @param key                this organisation's checkpoint signer; its verifier must be the one the consortium
     *                           file lists for {@code organisation}
     * @param checkpointInterval how often the leader proposes a checkpoint of new entries
     * @param electionTimeout    minimum Raft election timeout
     * @throws IllegalArgumentException if {@code organisation} is not a member or {@code key} is not its listed key
     * @throws TamperDetectedException if this node's copy of the log fails its checks at open
     */
    public static ConsortiumNode start(
            Consortium consortium,
            String organisation,
            CheckpointSigner key,
            Path dir,
            Duration checkpointInterval,
            Duration electionTimeout)
            throws IOException, TamperDetectedException {
        return start(consortium, organisation, key, null, dir, checkpointInterval, electionTimeout);
    }

    /**
     * As {@link #start(Consortium, String, CheckpointSigner, Path, Duration, Duration)} in a group that runs with
     * mutual TLS.
     *
     * @param tls this organisation's transport key and certificate under the consortium's {@code tls-root} (null
     *     when the consortium pins none)
     * @throws IllegalArgumentException also if {@code tls} is not what the consortium requires
     *     ({@link Consortium#checkTransport})
     */
    public static ConsortiumNode start(
            Consortium consortium,
            String organisation,
            CheckpointSigner key,
            GroupTls tls,
            Path dir,
            Duration checkpointInterval,
            Duration electionTimeout)
            throws IOException, TamperDetectedException {
        Objects.requireNonNull(key, "key");
        consortium.checkTransport(tls);
        Consortium.Member self = consortium.member(organisation);
        if (!self.key().encode().equals(MemberKey.cosignatureKey(key.verifier()).encode())) {
            throw new IllegalArgumentException("this key is not the one the consortium file lists for " + organisation);
        }
        MemberKey memberKey = MemberKey.of(organisation, key);
        // the node's log signs nothing of its own: a checkpoint means something here only with the quorum's
        // cosignatures, which the member stores in it
        AuditLogConfig.Builder logConfig = AuditLogConfig.replica(consortium.suite(), consortium.origin());
        consortium.directory().verifiers().forEach(logConfig::trust);
        AuditLog log = AuditLog.open(dir.resolve("ledger"), logConfig.build());
        LedgerMember member;
        try {
            member = LedgerMember.start(
                    new MemberConfig(
                            organisation,
                            consortium.raftPeers(),
                            consortium.groupId(),
                            dir.resolve("raft"),
                            consortium.origin(),
                            consortium.quorum(),
                            memberKey,
                            consortium.directory(),
                            electionTimeout,
                            tls),
                    new AuditLogMemberLog(log));
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return new ConsortiumNode(consortium, organisation, log, member, memberKey, checkpointInterval);
    }

    private void proposeIfLeading() {
        try {
            if (member.isLeader() && log.size() > member.lastCosigned().size()) {
                proposeToWitnesses();
            }
            lastProposalFailure.set(null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the next round proposes again; a lost leadership or a refused proposal leaves no partial state
            lastProposalFailure.set(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends a checkpoint of the log as it is now, signed by this node, to every member's witness (add-checkpoint),
     * each with the proof from the size that witness last cosigned; a witness answering 409 with another size is
     * asked once more from that size. Waits for every answer (at most {@link #WITNESS_WAIT} and a second).
     */
    private void proposeToWitnesses() throws IOException, GeneralSecurityException, InterruptedException {
        long size = member.log().size();
        String text = new Checkpoint(consortium.origin(), size, member.log().root(size)).format();
        String note = new SignedNote(text, List.of(key.signNote(text))).format();
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (Consortium.Member witness : consortium.members()) {
            answers.add(addCheckpointAt(witness, size, note, true));
        }
        try {
            CompletableFuture.allOf(answers.toArray(new CompletableFuture[0]))
                    .get(WITNESS_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("a witness did not answer: " + e.getMessage(), e);
        }
    }

    private CompletableFuture<Void> addCheckpointAt(Consortium.Member witness, long size, String note, boolean retry) {
        String id = witness.organisation();
        long old = Math.min(witnessSizes.getOrDefault(id, 0L), size);
        List<byte[]> proof = old == 0 || old == size ? List.of() : member.log().consistencyProof(old, size);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://"
                        + witness.http().getHostString() + ":" + witness.http().getPort() + "/add-checkpoint"))
                .timeout(WITNESS_WAIT.plusSeconds(1))
                .POST(HttpRequest.BodyPublishers.ofString(new AddCheckpointRequest(old, proof, note).format()))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenCompose(answer -> {
            if (answer.statusCode() == 200) {
                witnessSizes.put(id, size);
            } else if (answer.statusCode() == 409
                    && answer.headers().firstValue("Content-Type").orElse("").startsWith(SIZE_CONTENT_TYPE)) {
                long cosigned = Long.parseLong(answer.body().strip());
                witnessSizes.put(id, cosigned);
                if (retry && cosigned <= size) {
                    return addCheckpointAt(witness, size, note, false);
                }
            }
            return CompletableFuture.completedFuture(null);
        });
    }

    /** What this node's witness answers an {@code add-checkpoint} request: HTTP status, content type, body. */
    public record WitnessAnswer(int status, String contentType, String body) {}

    /**
     * Answers a C2SP tlog-witness {@code add-checkpoint} request with this node's witness: 200 and its cosignature
     * line; 400 for a malformed request or an old size above the checkpoint's; 404 for another log's origin; 403
     * when no signature of a member verifies; 409 ({@value #SIZE_CONTENT_TYPE}: the size it last cosigned) when the
     * old size is not that size; 409 when the roots of equal sizes differ or the root is not this node's own root
     * at that size; 422 when the consistency proof fails; 503 when the entries did not reach this node in time. A
     * refusal changes nothing.
     */
    public WitnessAnswer addCheckpoint(String body) throws InterruptedException {
        AddCheckpointRequest request;
        SignedCheckpoint checkpoint;
        try {
            request = AddCheckpointRequest.parse(body);
            checkpoint = SignedCheckpoint.parse(request.note(), 32);
        } catch (IllegalArgumentException | MalformedNoteException e) {
            return new WitnessAnswer(400, "text/plain", e.getMessage() + "\n");
        }
        Checkpoint head = checkpoint.checkpoint();
        if (!head.origin().equals(consortium.origin())) {
            return new WitnessAnswer(404, "text/plain", "unknown log origin\n");
        }
        if (!head.extensions().isEmpty()) {
            return new WitnessAnswer(400, "text/plain", "this log's checkpoints carry no extension lines\n");
        }
        byte[] text = checkpoint.note().text().getBytes(StandardCharsets.UTF_8);
        Optional<NoteSignature> signed = checkpoint.note().signatures().stream()
                .filter(line -> consortium.members().stream()
                        .anyMatch(m -> m.organisation().equals(line.keyName())
                                && m.key().keyId() == line.keyId()
                                && m.key().verify(text, line.signature())))
                .findFirst();
        if (signed.isEmpty()) {
            return new WitnessAnswer(403, "text/plain", "no signature of a member verifies\n");
        }
        if (request.oldSize() > head.size()) {
            return new WitnessAnswer(400, "text/plain", "the old size is above the checkpoint's\n");
        }
        Proposal proposal = new Proposal(
                new TreeHead(head.origin(), head.size(), head.rootHash()),
                request.oldSize(),
                request.proof(),
                signed.get().keyName(),
                signed.get().signature());
        try {
            Cosignature cosignature = member.witness(proposal, WITNESS_WAIT);
            NoteVerifier own = consortium.member(organisation).key();
            return new WitnessAnswer(
                    200,
                    "text/plain; charset=utf-8",
                    new NoteSignature(own.keyName(), own.keyId(), cosignature.signature()).formatLine() + "\n");
        } catch (WitnessRefusedException e) {
            return switch (e.reason()) {
                case NOT_FROM_LAST_COSIGNED ->
                    new WitnessAnswer(
                            409, SIZE_CONTENT_TYPE, member.lastCosigned().size() + "\n");
                case INCONSISTENT ->
                    request.oldSize() == head.size()
                            ? new WitnessAnswer(409, "text/plain", e.getMessage() + "\n")
                            : new WitnessAnswer(422, "text/plain", e.getMessage() + "\n");
                case DIFFERS_FROM_OWN_LOG -> new WitnessAnswer(409, "text/plain", e.getMessage() + "\n");
                case AHEAD_OF_OWN_LOG -> new WitnessAnswer(503, "text/plain", e.getMessage() + "\n");
                case WRONG_ORIGIN -> new WitnessAnswer(404, "text/plain", e.getMessage() + "\n");
                case UNKNOWN_PROPOSER, BAD_PROPOSER_SIGNATURE ->
                    new WitnessAnswer(403, "text/plain", e.getMessage() + "\n");
            };
        } catch (GeneralSecurityException e) {
            return new WitnessAnswer(500, "text/plain", "this node's key could not sign\n");
        }
    }

    /**
     * @return the checkpoints in this node's checkpoint file that carry signatures from the quorum of members,
     *     smallest first (each checkpoint once, with every cosignature stored for it)
     */
    public List<SignedCheckpoint> finalCheckpoints() {
        List<SignedCheckpoint> finals = new ArrayList<>();
        for (SignedCheckpoint c : log.checkpoints()) {
            if (!isFinal(c)) {
                continue;
            }
            if (!finals.isEmpty()
                    && finals.get(finals.size() - 1).checkpoint().size()
                            == c.checkpoint().size()) {
                finals.set(finals.size() - 1, c);
            } else {
                finals.add(c);
            }
        }
        return finals;
    }

    /**
     * Whether a checkpoint of this node's own file carries lines from the quorum of distinct members. The log checked
     * every signature from a member's key when it stored the checkpoint and again when it was opened, so the lines
     * are counted here, not verified again (a read of the latest checkpoint stays cheap however many are stored).
     */
    private boolean isFinal(SignedCheckpoint c) {
        Set<String> members = new HashSet<>();
        for (NoteSignature line : c.note().signatures()) {
            for (NoteVerifier key : consortium.directory().verifiers()) {
                if (key.keyName().equals(line.keyName()) && key.keyId() == line.keyId()) {
                    members.add(key.keyName());
                }
            }
        }
        return members.size() >= consortium.quorum();
    }

    /** @return the latest final checkpoint in this node's checkpoint file, or empty before the first */
    public Optional<SignedCheckpoint> latestFinal() {
        List<SignedCheckpoint> stored = log.checkpoints();
        for (int i = stored.size() - 1; i >= 0; i--) {
            if (isFinal(stored.get(i))) {
                return Optional.of(stored.get(i));
            }
        }
        return Optional.empty();
    }

    /** @return the latest final checkpoint of at least {@code size} entries, waiting up to {@code timeout} */
    public Optional<SignedCheckpoint> awaitFinal(long size, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<SignedCheckpoint> latest = latestFinal();
            if (latest.isPresent() && latest.get().checkpoint().size() >= size) {
                return latest;
            }
            if (System.nanoTime() > deadline) {
                return Optional.empty();
            }
            Thread.sleep(20);
        }
    }

    /** @return why the last proposal failed, if it did (cleared by the next success) */
    public Optional<Exception> lastProposalFailure() {
        return Optional.ofNullable(lastProposalFailure.get());
    }

    public Consortium consortium() {
        return consortium;
    }

    public String organisation() {
        return organisation;
    }

    /** @return this node's copy of the log (read it; appends go through the group) */
    public AuditLog log() {
        return log;
    }

    /** @return whether this node leads the Raft group now */
    public boolean isLeader() {
        return member.isLeader();
    }

    /** @return the member this node takes for the leader, if it knows one */
    public Optional<String> leaderId() {
        return member.leaderId();
    }

    /** Leaves the group and closes the log (other members see a crash). */
    @Override
    public void close() throws IOException {
        proposer.shutdownNow();
        try {
            proposer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        IOException failure = null;
        try {
            member.flushCheckpoints(Duration.ofSeconds(5));
            member.close();
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            log.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
