package org.medshare.ledger.consortium;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.replication.AuditLogMemberLog;
import org.medshare.ledger.replication.GroupTls;
import org.medshare.ledger.replication.LedgerMember;
import org.medshare.ledger.replication.MemberConfig;
import org.medshare.ledger.replication.MemberKey;
import org.medshare.ledger.storage.TamperDetectedException;

/**
 * One organisation's node of the consortium ledger: its own durable copy of the log ({@code DIR/ledger}), its Raft
 * member ({@code DIR/raft}) and its witness, under its own checkpoint key. While it leads the group it proposes a
 * checkpoint of the new entries every {@code checkpointInterval}; every member (this one included) cosigns a
 * proposal only after checking it against its own copy, and a checkpoint with cosignatures from the consortium's
 * quorum is final and stored, with every cosignature line, in each member's checkpoint file.
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
    private final ScheduledExecutorService proposer;
    private final AtomicReference<Exception> lastProposalFailure = new AtomicReference<>();

    private ConsortiumNode(
            Consortium consortium, String organisation, AuditLog log, LedgerMember member, Duration interval) {
        this.consortium = consortium;
        this.organisation = organisation;
        this.log = log;
        this.member = member;
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
        return new ConsortiumNode(consortium, organisation, log, member, checkpointInterval);
    }

    private void proposeIfLeading() {
        try {
            if (member.isLeader() && log.size() > member.lastCosigned().size()) {
                member.proposeCheckpoint();
            }
            lastProposalFailure.set(null);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // the next round proposes again; a lost leadership or a refused proposal leaves no partial state
            lastProposalFailure.set(e);
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
