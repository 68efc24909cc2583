package org.medshare.bench.replication;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.medshare.bench.TempTrees;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.replication.AuditLogMemberLog;
import org.medshare.ledger.replication.InMemoryMemberLog;
import org.medshare.ledger.replication.LedgerMember;
import org.medshare.ledger.replication.MemberConfig;
import org.medshare.ledger.replication.MemberDirectory;
import org.medshare.ledger.replication.MemberKey;
import org.medshare.ledger.replication.MemberLog;
import org.medshare.ledger.replication.TreeVerifier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Replicated ledger entries per second through Apache Ratis on 127.0.0.1:
 * {@code members} members (1 = the same code path without followers, the
 * same-run baseline; 3 = the consortium case), {@value #RECORDS} UPLOAD events
 * per Raft entry, up to {@value #IN_FLIGHT} batches in flight; each member's log
 * in memory or its durable AuditLog (Raft log itself is always on disk).
 * Scores are entries/s (operations per invocation = entries per invocation).
 * Target (issue 6): at least 20,000 entries/s with three members.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReplicationBench {
    static final int RECORDS = 100;
    static final int IN_FLIGHT = 64;
    static final int BATCHES_PER_INVOCATION = 256;

    @Param({"1", "3"})
    public int members;

    /**
     * memory: {@link InMemoryMemberLog} (the baseline); auditlog: each member's durable {@link AuditLog},
     * group commit off the Raft apply thread (the member's code); auditlog-sync: the same log appended
     * synchronously in the apply thread (one fsync per Raft entry, the former code path, for comparison
     * in the same run).
     */
    @Param({"memory", "auditlog", "auditlog-sync"})
    public String log;

    private final List<AuditLog> ledgers = new ArrayList<>();

    private final List<LedgerMember> running = new ArrayList<>();
    private Path storage;
    private LedgerMember entry;
    private List<byte[]> batch;

    @Setup(Level.Trial)
    public void setUp() throws IOException, GeneralSecurityException, InterruptedException {
        storage = Files.createTempDirectory("replication-bench");
        Map<String, InetSocketAddress> peers = new LinkedHashMap<>();
        Map<String, MemberKey> keys = new LinkedHashMap<>();
        Map<String, NoteVerifier> publicKeys = new LinkedHashMap<>();
        for (int i = 1; i <= members; i++) {
            String id = "m" + i;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                peers.put(id, new InetSocketAddress("127.0.0.1", s.getLocalPort()));
            }
            keys.put(id, MemberKey.generate(id));
            publicKeys.put(id, keys.get(id).verifier());
        }
        MemberDirectory directory = new MemberDirectory(publicKeys);
        UUID group = UUID.randomUUID();
        for (String id : peers.keySet()) {
            MemberLog memberLog;
            if (log.startsWith("auditlog")) {
                AuditLog ledger = AuditLog.open(
                        storage.resolve(id + "-ledger"),
                        AuditLogConfig.builder(
                                        LedgerSuite.NIST,
                                        "bench/replicated",
                                        LedgerSuite.NIST.generateSigner(id + ".bench/ledger"))
                                .build());
                ledgers.add(ledger);
                memberLog = "auditlog".equals(log)
                        ? new AuditLogMemberLog(ledger)
                        : new SynchronousMemberLog(new AuditLogMemberLog(ledger));
            } else {
                memberLog = new InMemoryMemberLog();
            }
            running.add(LedgerMember.start(
                    new MemberConfig(
                            id,
                            peers,
                            group,
                            storage.resolve(id),
                            "bench/replicated",
                            (members / 2) + 1,
                            keys.get(id),
                            directory,
                            Duration.ofMillis(1000)),
                    memberLog));
        }
        entry = running.get(0);
        batch = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            // a typical UPLOAD event: ids and salted hashes only (about 150 bytes encoded)
            batch.add(EventCodec.encode(Event.upload(
                    1_764_000_000_000L + i,
                    "hospital-" + (i % 7),
                    "record-" + i,
                    SaltedHash.sha256(("content-" + i).getBytes(StandardCharsets.UTF_8)),
                    SaltedHash.sha256(("policy-" + i).getBytes(StandardCharsets.UTF_8)))));
        }
        entry.append(batch); // waits for the first leader
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        for (LedgerMember m : running) {
            m.close();
        }
        for (AuditLog ledger : ledgers) {
            ledger.close();
        }
        TempTrees.delete(storage);
    }

    /** Replicates 256 batches of 100 entries, at most 64 in flight, and waits for all. */
    @Benchmark
    @OperationsPerInvocation(RECORDS * BATCHES_PER_INVOCATION)
    public long replicateBatches() {
        Deque<CompletableFuture<Long>> inFlight = new ArrayDeque<>();
        long last = 0;
        for (int i = 0; i < BATCHES_PER_INVOCATION; i++) {
            if (inFlight.size() == IN_FLIGHT) {
                last = inFlight.removeFirst().join();
            }
            inFlight.addLast(entry.appendAsync(batch));
        }
        while (!inFlight.isEmpty()) {
            last = inFlight.removeFirst().join();
        }
        return last;
    }

    /** Hides the asynchronous append, so that replication falls back to appending in the apply thread. */
    private record SynchronousMemberLog(MemberLog log) implements MemberLog {
        @Override
        public long size() {
            return log.size();
        }

        @Override
        public void check(List<byte[]> entries) {
            log.check(entries);
        }

        @Override
        public void append(List<byte[]> entries) throws IOException {
            log.append(entries);
        }

        @Override
        public byte[] root(long size) {
            return log.root(size);
        }

        @Override
        public List<byte[]> consistencyProof(long size1, long size2) {
            return log.consistencyProof(size1, size2);
        }

        @Override
        public TreeVerifier verifier() {
            return log.verifier();
        }
    }
}
