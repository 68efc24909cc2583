package org.medshare.ledger.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.IncentiveContract;

/**
 * The Ratis state machine of one member: applies committed entries in Raft
 * order, the same on every member.
 * <ul>
 *   <li>BATCH: hands the entries to the member's {@link MemberLog#appendAsync} and
 *       goes on with the next Raft entry; the reply to the client (its
 *       acknowledgement) completes only once the member log holds the batch durably,
 *       so a durable log group-commits many Raft entries with one fsync, off the
 *       apply path, and an acknowledged batch is on disk in the leader's member log
 *       (besides the Raft logs of a majority). Entries are placed by position (the
 *       count of entries applied before), so re-applying the Raft log after a
 *       restart over a durable log that already holds them appends nothing twice.</li>
 *   <li>PROPOSE: first waits until the entries the proposal covers are durable in
 *       this member's log; then the member's {@link Witness} checks it (so a
 *       cosignature still promises that the cosigner holds those entries durably); if it cosigns,
 *       the cosignature is handed to the outbox (which submits it to the group);
 *       if not, the refusal is recorded.</li>
 *   <li>COSIGN: a verified cosignature is recorded; a checkpoint with cosignatures
 *       from {@code quorum} distinct members is final, and each new final checkpoint (or
 *       one gaining a cosignature) is handed, in Raft order, to the finals sink (which stores it
 *       in the member's log off the apply thread).</li>
 *   <li>CONTRACT: the member's {@link IncentiveContract} executes the call (a refusal
 *       changes nothing, identically on every member); every BATCH ends an EVM block.</li>
 * </ul>
 * Malformed entries are answered with an error and change nothing.
 */
final class LedgerStateMachine extends BaseStateMachine {
    private final MemberLog log;
    private final Witness witness;
    private final MemberDirectory directory;
    private final int quorum;
    private final Consumer<Cosignature> outbox;
    private final Consumer<FinalCheckpoint> finals;
    private final IncentiveContract contract;

    /** Longest a proposal waits for the entries it covers to become durable in this member's log. */
    static final Duration DURABLE_WAIT = Duration.ofSeconds(30);

    private long position;
    private final Map<TreeHead, Map<String, Cosignature>> cosignatures = new LinkedHashMap<>();
    private final List<WitnessRefusedException> refusals = new ArrayList<>();
    private FinalCheckpoint latestFinal;

    LedgerStateMachine(
            MemberLog log,
            Witness witness,
            MemberDirectory directory,
            int quorum,
            Consumer<Cosignature> outbox,
            Consumer<FinalCheckpoint> finals,
            IncentiveContract contract) {
        this.contract = contract;
        this.finals = finals;
        this.log = log;
        this.witness = witness;
        this.directory = directory;
        this.quorum = quorum;
        this.outbox = outbox;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        byte[] data = entry.getStateMachineLogEntry().getLogData().toByteArray();
        String reply;
        Cosignature toSend = null;
        FinalCheckpoint finalBefore;
        FinalCheckpoint finalAfter;
        CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
        Proposal proposal = null;
        try {
            if (data.length > 0 && data[0] == ReplicationMessage.PROPOSE) {
                proposal = ReplicationMessage.parsePropose(data);
                // a witness cosigns only what its own log holds durably
                log.awaitDurable(Math.min(proposal.head().size(), log.acceptedSize()), DURABLE_WAIT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(
                    new IllegalStateException("interrupted at Raft index " + entry.getIndex()));
        } catch (RuntimeException e) {
            proposal = null; // malformed: answered below like any malformed entry
        }
        synchronized (this) {
            finalBefore = latestFinal;
            try {
                switch (ReplicationMessage.kind(data)) {
                    case ReplicationMessage.BATCH -> {
                        List<byte[]> entries = ReplicationMessage.parseBatch(data);
                        log.check(entries);
                        long first = position;
                        durable = applyBatch(entries);
                        reply = "appended " + first;
                    }
                    case ReplicationMessage.PROPOSE -> {
                        try {
                            toSend =
                                    witness.cosign(proposal != null ? proposal : ReplicationMessage.parsePropose(data));
                            reply = "cosigned " + toSend.head().size();
                        } catch (WitnessRefusedException e) {
                            refusals.add(e);
                            reply = "refused " + e.reason();
                        }
                    }
                    case ReplicationMessage.COSIGN -> reply = record(ReplicationMessage.parseCosign(data));
                    case ReplicationMessage.CONTRACT -> reply = execute(ReplicationMessage.parseContract(data));
                    default -> reply = "error unknown message kind " + data[0];
                }
            } catch (IOException | GeneralSecurityException e) {
                // this member's storage or key failed: stop applying rather than diverge from the others
                return CompletableFuture.failedFuture(new IllegalStateException(
                        "member cannot apply Raft index " + entry.getIndex() + ": " + e.getMessage(), e));
            } catch (RuntimeException e) {
                reply = "error malformed entry: " + e.getMessage();
            }
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
            finalAfter = latestFinal;
            if (finalAfter != finalBefore) {
                // handed over (a non-blocking queue) before anyone waiting in awaitFinal sees it
                finals.accept(finalAfter);
            }
            notifyAll();
        }
        if (toSend != null) {
            outbox.accept(toSend);
        }
        Message message = Message.valueOf(ByteString.copyFrom(reply, StandardCharsets.UTF_8));
        if (durable.isDone() && !durable.isCompletedExceptionally()) {
            return CompletableFuture.completedFuture(message);
        }
        // the reply (the client's acknowledgement) waits for the member log's fsync
        return durable.handle((v, err) -> {
            synchronized (this) {
                notifyAll();
            }
            if (err != null) {
                throw new IllegalStateException(
                        "member cannot store Raft index " + entry.getIndex() + " durably: " + err.getMessage(), err);
            }
            return message;
        });
    }

    private CompletableFuture<Void> applyBatch(List<byte[]> entries) throws IOException {
        long first = position;
        long have = log.acceptedSize();
        if (first > have) {
            throw new IllegalStateException("member log holds " + have + " entries, batch starts at " + first);
        }
        CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
        if (first + entries.size() > have) {
            durable = log.appendAsync(entries.subList((int) (have - first), entries.size()));
        }
        position += entries.size();
        if (contract != null) {
            contract.commitBlock(); // one EVM block per ledger batch
        }
        return durable;
    }

    private String execute(byte[] encodedCall) {
        if (contract == null) {
            return "error this member runs no contract";
        }
        ContractCall call = ContractCall.parse(encodedCall);
        try {
            contract.execute(call);
            return "executed " + HexFormat.of().formatHex(contract.stateRoot());
        } catch (ContractCallException e) {
            return "refused " + call.functionLabel() + " " + e.reason() + " " + String.join(" ", e.arguments());
        }
    }

    private String record(Cosignature c) {
        if (!c.verify(directory)) {
            return "error cosignature of " + c.memberId() + " does not verify";
        }
        Map<String, Cosignature> signers = cosignatures.computeIfAbsent(c.head(), h -> new LinkedHashMap<>());
        signers.putIfAbsent(c.memberId(), c);
        if (signers.size() >= quorum
                && (latestFinal == null || c.head().size() > latestFinal.head().size())) {
            latestFinal = new FinalCheckpoint(c.head(), List.copyOf(signers.values()));
        } else if (latestFinal != null && latestFinal.head().equals(c.head())) {
            latestFinal = new FinalCheckpoint(c.head(), List.copyOf(signers.values()));
        }
        return "recorded " + signers.size();
    }

    synchronized Optional<FinalCheckpoint> latestFinal() {
        return Optional.ofNullable(latestFinal);
    }

    synchronized List<Cosignature> cosignaturesFor(TreeHead head) {
        return List.copyOf(cosignatures.getOrDefault(head, Map.of()).values());
    }

    synchronized List<WitnessRefusedException> refusals() {
        return List.copyOf(refusals);
    }

    /** Waits until a final checkpoint covers at least {@code size} entries. */
    synchronized Optional<FinalCheckpoint> awaitFinal(long size, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (latestFinal == null || latestFinal.head().size() < size) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(left);
        }
        return Optional.of(latestFinal);
    }

    /** Waits until this member's log holds at least {@code size} entries. */
    synchronized boolean awaitSize(long size, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (log.size() < size) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    static long firstIndexOf(String reply) {
        return Long.parseLong(reply.substring("appended ".length()));
    }
}
