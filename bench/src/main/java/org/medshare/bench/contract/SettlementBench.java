package org.medshare.bench.contract;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.medshare.ledger.contract.ContractCallException;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.Payout;
import org.medshare.ledger.contract.ProRataSplit;
import org.medshare.ledger.contract.QueryId;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Settlements per second of IncentiveEscrow.sol on the embedded EVM (libevm),
 * one settlement = one EVM call paying {@code hospitals} hospitals, a block
 * committed every 100 settlements. Baselines in the same run: the same split
 * in plain Java ({@link ProRataSplit}) and a one-slot EVM call (deposit).
 * Target (issue 6): at least 1,000 settlements/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SettlementBench {
    private static final EvmAddress OPERATOR = address(0x0f);
    private static final EvmAddress INSURER = address(0x1a);
    private static final int BLOCK = 100;

    @Param({"3", "20"})
    public int hospitals;

    private IncentiveContract contract;
    private List<HospitalRecords> records;
    private long sequence;

    private static EvmAddress address(int i) {
        byte[] b = new byte[20];
        b[0] = 0x42;
        b[18] = (byte) (i >> 8);
        b[19] = (byte) i;
        return EvmAddress.of(b);
    }

    @Setup(Level.Trial)
    public void setUp() throws ContractCallException {
        contract = IncentiveContract.deploy(OPERATOR, BigInteger.valueOf(350_000));
        contract.deposit(INSURER, BigInteger.TEN.pow(30));
        records = new ArrayList<>();
        for (int i = 0; i < hospitals; i++) {
            records.add(new HospitalRecords(address(0x100 + i), 1 + (i * 7919L) % 5000));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        contract.close();
    }

    private QueryId nextQuery() {
        byte[] id = new byte[32];
        long n = ++sequence;
        for (int i = 0; i < 8; i++) {
            id[31 - i] = (byte) (n >>> (8 * i));
        }
        return QueryId.of(id);
    }

    /** One settlement on the EVM (with a block commit every 100). */
    @Benchmark
    public Object settleOnEvm() throws ContractCallException {
        Object receipt = contract.settle(INSURER, nextQuery(), records);
        if (sequence % BLOCK == 0) {
            contract.commitBlock();
        }
        return receipt;
    }

    /** Baseline: the same split computed in plain Java, no EVM. */
    @Benchmark
    public List<Payout> splitInJava() {
        return ProRataSplit.split(BigInteger.valueOf(350_000), records);
    }

    /** Baseline: the cheapest state-changing EVM call (one storage slot, one event). */
    @Benchmark
    public Object depositOnEvm() throws ContractCallException {
        Object receipt = contract.deposit(INSURER, BigInteger.ONE);
        if (++sequence % BLOCK == 0) {
            contract.commitBlock();
        }
        return receipt;
    }
}
