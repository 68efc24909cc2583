package org.medshare.ledger.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.util.TimeDuration;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.RevertReason;

/**
 * One consortium member of the replicated ledger: an Apache Ratis server (gRPC)
 * whose state machine applies batches of ledger entries to this member's
 * {@link MemberLog} and witnesses checkpoints ({@link Witness}), plus a Raft
 * client that submits to whichever member leads.
 *
 * <p>Guarantees: {@link #append} returns once the batch is committed by a Raft
 * majority (in their Raft logs on disk) and applied on the leader, and the
 * leader's member log holds it durably (for an {@link AuditLogMemberLog}: fsynced
 * by its group commit, which runs off the Raft apply thread and covers the
 * batches of many Raft entries at once); every member applies the same batches in
 * the same order, so equal sizes mean equal roots. A checkpoint is final
 * ({@link #awaitFinal}) once {@code quorum} members cosigned it, each after its
 * own log held the covered entries durably and after
 * verifying a consistency proof from the last checkpoint it cosigned: a leader
 * that forges a proof or rewrites history gets no cosignature. A member that was
 * down catches up from the others when restarted on the same storage. Each final
 * checkpoint is stored in the member's log ({@link MemberLog#recordFinal}) as a signed
 * note carrying every member's cosignature line, for offline verifiers.
 */
public final class LedgerMember implements AutoCloseable {
    private final MemberConfig config;
    private final MemberLog log;
    private final Witness witness;
    private final LedgerStateMachine stateMachine;
    private final RaftGroup group;
    private final RaftServer server;
    private final GroupClient client;
    private final ExecutorService outbox;
    private final ExecutorService checkpointWriter;
    private final List<Exception> checkpointFailures = new CopyOnWriteArrayList<>();
    private final IncentiveContract contract;

    private LedgerMember(MemberConfig config, MemberLog log, IncentiveContract contract) throws IOException {
        this.config = config;
        this.contract = contract;
        this.log = log;
        this.witness = new Witness(config.key(), config.directory(), log, config.origin());
        this.outbox = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ledger-cosign-" + config.memberId());
            t.setDaemon(true);
            return t;
        });
        this.checkpointWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ledger-checkpoints-" + config.memberId());
            t.setDaemon(true);
            return t;
        });
        this.stateMachine = new LedgerStateMachine(
                log,
                witness,
                config.directory(),
                config.quorum(),
                c -> outbox.execute(() -> submitQuietly(ReplicationMessage.cosign(c))),
                f -> checkpointWriter.execute(() -> storeFinal(f)),
                contract);
        this.group = GroupClient.group(config.groupId(), config.peers());

        RaftProperties properties = properties(config);
        boolean existing =
                Files.isDirectory(config.storageDir().resolve(config.groupId().toString()));
        this.server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(config.memberId()))
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(properties)
                .setParameters(GroupTls.parametersOf(config.tls()))
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        this.client = GroupClient.forMember(group, properties, config.tls(), Duration.ofSeconds(30));
    }

    /**
     * Starts a member: a fresh one formats its Raft storage, one restarted on
     * existing storage recovers it and catches up from the group.
     *
     * @param log this member's copy of the log (for a restarted member: its durable log, or a new
     *            in-memory one that the replayed Raft log refills)
     */
    public static LedgerMember start(MemberConfig config, MemberLog log) throws IOException {
        return start(config, log, null);
    }

    /**
     * As {@link #start(MemberConfig, MemberLog)}, with the incentive contract every
     * member executes in Raft order ({@link #executeContract}).
     *
     * @param contract freshly deployed from the consortium's genesis deployment (the same on every
     *                 member; on restart too: the replayed Raft log re-executes the calls), or null
     */
    public static LedgerMember start(MemberConfig config, MemberLog log, IncentiveContract contract)
            throws IOException {
        Files.createDirectories(config.storageDir());
        LedgerMember member = new LedgerMember(config, log, contract);
        try {
            member.server.start();
        } catch (IOException | RuntimeException e) {
            member.close();
            throw e;
        }
        return member;
    }

    private static RaftProperties properties(MemberConfig config) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftServerConfigKeys.setStorageDir(p, List.of(config.storageDir().toFile()));
        GrpcConfigKeys.Server.setHost(p, config.peers().get(config.memberId()).getHostString());
        GrpcConfigKeys.Server.setPort(p, config.peers().get(config.memberId()).getPort());
        long min = config.electionTimeout().toMillis();
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p, TimeDuration.valueOf(min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p, TimeDuration.valueOf(2 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(4 * min, TimeUnit.MILLISECONDS));
        RaftClientConfigKeys.Rpc.setRequestTimeout(p, TimeDuration.valueOf(4 * min, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, false);
        return p;
    }

    /**
     * Replicates one batch of ledger entries ({@link GroupClient#append}).
     *
     * @return the log index of the batch's first entry
     * @throws IOException if the group could not commit it (no leader within the retry budget)
     */
    public long append(List<byte[]> entries) throws IOException {
        return client.append(entries);
    }

    /** Replicates one batch without waiting ({@link GroupClient#appendAsync}). */
    public CompletableFuture<Long> appendAsync(List<byte[]> entries) {
        return client.appendAsync(entries);
    }

    /**
     * Proposes a checkpoint of this member's log as it is now (normally called on
     * the leader, once per batch interval), with the consistency proof from the
     * last checkpoint this member's witness cosigned, and submits it to the group.
     * Proposals must not overlap: the next one starts from this one.
     *
     * @return the proposal submitted
     */
    public Proposal proposeCheckpoint() throws IOException, GeneralSecurityException {
        TreeHead from = witness.lastCosigned();
        long size = log.size();
        TreeHead head = new TreeHead(config.origin(), size, log.root(size));
        List<byte[]> proof =
                from.size() == 0 || from.size() == size ? List.of() : log.consistencyProof(from.size(), size);
        Proposal proposal = new Proposal(
                head, from.size(), proof, config.memberId(), config.key().sign(head.signedBytes()));
        String reply = submit(ReplicationMessage.propose(proposal));
        if (reply.startsWith("error")) {
            throw new IOException("proposal not applied: " + reply);
        }
        return proposal;
    }

    /**
     * The witness step of a C2SP tlog-witness {@code add-checkpoint} request: waits up to {@code wait} until this
     * member holds the entries {@code proposal} covers durably, has its witness check and cosign it, and submits the
     * cosignature to the group, so that every member records it and the checkpoint is final once a quorum cosigned.
     * Check and update are atomic ({@link Witness#cosign}).
     *
     * @throws WitnessRefusedException naming the first check that failed ({@code AHEAD_OF_OWN_LOG} when the entries
     *     did not arrive in time); nothing changed
     */
    public Cosignature witness(Proposal proposal, Duration wait)
            throws WitnessRefusedException, GeneralSecurityException, InterruptedException {
        long size = proposal.head().size();
        if (stateMachine.awaitSize(size, wait.toMillis())) {
            log.awaitDurable(size, wait);
        }
        Cosignature cosignature = witness.cosign(proposal);
        outbox.execute(() -> submitQuietly(ReplicationMessage.cosign(cosignature)));
        return cosignature;
    }

    /**
     * Waits for a final checkpoint (quorum of cosignatures) covering at least {@code size} entries.
     */
    public Optional<FinalCheckpoint> awaitFinal(long size, Duration timeout) throws InterruptedException {
        return stateMachine.awaitFinal(size, timeout.toMillis());
    }

    /**
     * Executes an incentive contract call on every member, in Raft order.
     *
     * @return the EVM state root after the call (equal on every member)
     * @throws ContractCallException if the contract refused the call (on every member alike)
     * @throws IOException if the group could not commit it or runs no contract
     */
    public byte[] executeContract(ContractCall call) throws IOException, ContractCallException {
        String reply = submit(ReplicationMessage.contract(call.toBytes()));
        if (reply.startsWith("executed ")) {
            return HexFormat.of().parseHex(reply.substring("executed ".length()));
        }
        if (reply.startsWith("refused ")) {
            String[] parts = reply.split(" ");
            List<String> arguments = List.of(parts).subList(3, parts.length);
            throw ContractCallException.reported(parts[1], RevertReason.valueOf(parts[2]), arguments);
        }
        throw new IOException("contract call not applied: " + reply);
    }

    /** @return this member's incentive contract, if it runs one (read its balances and state root) */
    public Optional<IncentiveContract> contract() {
        return Optional.ofNullable(contract);
    }

    /** Waits until this member has applied at least {@code size} entries. */
    public boolean awaitSize(long size, Duration timeout) throws InterruptedException {
        return stateMachine.awaitSize(size, timeout.toMillis());
    }

    /** @return the latest final checkpoint this member knows */
    public Optional<FinalCheckpoint> latestFinal() {
        return stateMachine.latestFinal();
    }

    /** @return the cosignatures recorded for {@code head} so far */
    public List<Cosignature> cosignaturesFor(TreeHead head) {
        return stateMachine.cosignaturesFor(head);
    }

    /** @return every proposal this member's witness refused, in Raft order */
    public List<WitnessRefusedException> refusals() {
        return stateMachine.refusals();
    }

    /** @return the last checkpoint this member cosigned */
    public TreeHead lastCosigned() {
        return witness.lastCosigned();
    }

    /** @return this member's log */
    public MemberLog log() {
        return log;
    }

    public String memberId() {
        return config.memberId();
    }

    /** @return whether this member currently leads the Raft group */
    public boolean isLeader() {
        try {
            return server.getDivision(group.getGroupId()).getInfo().isLeader();
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the member this member currently takes for the leader, if it knows one */
    public Optional<String> leaderId() {
        try {
            RaftPeerId leader = server.getDivision(group.getGroupId()).getInfo().getLeaderId();
            return Optional.ofNullable(leader).map(RaftPeerId::toString);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Asks the group to hand leadership to {@code memberId} (Raft leadership transfer; an operator's
     * tool, e.g. before maintenance of the current leader).
     *
     * @throws IOException if the transfer did not happen within {@code timeout}
     */
    public void transferLeadership(String memberId, Duration timeout) throws IOException {
        client.transferLeadership(memberId, timeout);
    }

    /** Submits a raw replication message (package-private: tests play a lying leader with it). */
    String submit(byte[] message) throws IOException {
        return client.submit(message);
    }

    private void storeFinal(FinalCheckpoint checkpoint) {
        try {
            log.recordFinal(checkpoint, config.directory());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            checkpointFailures.add(e);
        }
    }

    /**
     * @return failures to store a final checkpoint in this member's log (empty when every final
     *         checkpoint, with its cosignature lines, reached the log)
     */
    public List<Exception> checkpointFailures() {
        return List.copyOf(checkpointFailures);
    }

    /**
     * Waits until every final checkpoint handed to this member's log so far has been stored (or failed).
     */
    public void flushCheckpoints(Duration timeout) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        checkpointWriter.execute(done::countDown);
        done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void submitQuietly(byte[] message) {
        try {
            submit(message);
        } catch (IOException | RuntimeException e) {
            // a member that is shutting down or cut off cannot deliver its cosignature; the
            // checkpoint then lacks it, which is what a quorum tolerates
        }
    }

    /**
     * Stops the server and client (a crash, as far as the group is concerned).
     *
     * <p>The server stops first: until it has, Ratis keeps applying committed entries to the state
     * machine, which hands cosignatures to the outbox and final checkpoints to the checkpoint writer.
     * Were those executors shut down before, the hand-off would throw out of the apply thread, and
     * Ratis's state machine updater, failed while the server's close waits for it to reach the last
     * committed index, would spin forever and never let the close return.
     */
    @Override
    public void close() throws IOException {
        IOException failure = null;
        try {
            server.close();
        } catch (IOException e) {
            failure = e;
        }
        outbox.shutdownNow();
        checkpointWriter.shutdown();
        try {
            checkpointWriter.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            failure = failure == null ? e : failure;
        }
        if (failure != null) {
            throw failure;
        }
    }
}
