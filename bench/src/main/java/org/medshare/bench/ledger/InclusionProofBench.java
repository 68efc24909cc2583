package org.medshare.bench.ledger;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Inclusion-proof latency (Mode.SampleTime: p50/p99 in the JSON) in a tree of 2^20 + 12345 leaves:
 * build the proof for a random leaf from stored node hashes and verify it against the root.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InclusionProofBench {
    @Param({"nist", "gm"})
    public String suite;

    private HashStore tree;
    private TreeHasher hasher;
    private long size;
    private byte[] root;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setup() {
        hasher = LedgerSuite.fromId(suite).treeHasher();
        tree = new HashStore(hasher);
        size = (1 << 20) + 12345;
        byte[] data = new byte[64];
        for (long i = 0; i < size; i++) {
            data[0] = (byte) i;
            data[1] = (byte) (i >>> 8);
            data[2] = (byte) (i >>> 16);
            tree.appendData(data);
        }
        root = tree.root(size);
    }

    @Benchmark
    public int generateAndVerify() throws Exception {
        long index = random.nextLong(size);
        List<byte[]> proof = tree.inclusionProof(index, size);
        MerkleProofs.verifyInclusion(hasher, index, size, tree.leafHash(index), proof, root);
        return proof.size();
    }
}
