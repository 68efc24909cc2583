package org.medshare.bench.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.medshare.bench.TempTrees;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;
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
 * Durable appends per second (score = events/s) of one ledger member: events encoded, written to
 * segment files, fsynced with group commit, checkpoints signed per batch (every 1000 events or
 * 500 ms, Ed25519 or SM2). Baseline in the same run: the in-memory loop append + root + inclusion
 * proof + verify per event with no I/O and no signing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LedgerAppendBench {
    static final int BATCH = 1000;

    @Param({"nist", "gm"})
    public String suite;

    private Event[] events;
    private Path dir;
    private AuditLog log;
    private HashStore memory;
    private TreeHasher hasher;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        LedgerSuite s = LedgerSuite.fromId(suite);
        events = new Event[BATCH];
        for (int i = 0; i < BATCH; i++) {
            events[i] = Event.upload(
                    1_764_000_000_000L + i,
                    "hospital-a",
                    "record-" + i,
                    SaltedHash.sha256(("ciphertext-" + i).getBytes()),
                    SaltedHash.sha256(("policy-" + i).getBytes()));
        }
        dir = Files.createTempDirectory("ledger-bench");
        log = AuditLog.open(
                dir,
                AuditLogConfig.builder(s, "bench.medshare/ledger", s.generateSigner("bench-node"))
                        .build());
        hasher = s.treeHasher();
        memory = new HashStore(hasher);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        System.out.println("durable entries " + log.size() + ", checkpoints signed "
                + log.checkpoints().size());
        TempTrees.delete(dir);
    }

    /** 1000 appends in flight, then wait until all are durable: score = durable events/s. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long durableAppendGroupCommit() throws Exception {
        CompletableFuture<?>[] fs = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
            fs[i] = log.appendAsync(events[i]);
        }
        CompletableFuture.allOf(fs).join();
        return ((Receipt) fs[BATCH - 1].get()).index();
    }

    /** Baseline: in memory, per event: encode, append, root, inclusion proof, verify. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long inMemoryAppendRootProofBaseline() throws Exception {
        long n = 0;
        for (int i = 0; i < BATCH; i++) {
            byte[] leaf = memory.appendData(EventCodec.encode(events[i]));
            long size = memory.size();
            byte[] root = memory.root(size);
            List<byte[]> proof = memory.inclusionProof(size - 1, size);
            MerkleProofs.verifyInclusion(hasher, size - 1, size, leaf, proof, root);
            n += proof.size();
        }
        return n;
    }
}
