package org.medshare.ledger.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncentiveContractTest {
    static final EvmAddress OPERATOR = addr(0x0f);
    static final EvmAddress INSURER = addr(0x1a);
    static final EvmAddress OTHER_INSURER = addr(0x1b);
    static final EvmAddress H1 = addr(0xa1);
    static final EvmAddress H2 = addr(0xa2);
    static final EvmAddress H3 = addr(0xa3);
    /** 0.35 currency units per record. */
    static final BigInteger PRICE = BigInteger.valueOf(350_000);

    IncentiveContract contract;

    static EvmAddress addr(int last) {
        byte[] b = new byte[20];
        b[0] = 0x11;
        b[19] = (byte) last;
        return EvmAddress.of(b);
    }

    static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    @BeforeEach
    void deploy() {
        contract = IncentiveContract.deploy(OPERATOR, PRICE);
    }

    @AfterEach
    void close() {
        contract.close();
    }

    @Test
    void deploymentSetsPriceAndOperator() {
        assertEquals(PRICE, contract.pricePerRecord());
        assertEquals(OPERATOR, contract.operator());
        assertNotEquals(EvmAddress.of(new byte[20]), contract.address());
        assertEquals(1, contract.history().size());
        assertEquals(ContractCall.Kind.DEPLOY, contract.history().get(0).kind());
    }

    @Test
    void settlementPaysProRataWithRemainderToLargestContributor() throws Exception {
        CallReceipt deposit = contract.deposit(INSURER, big(1_000));
        assertEquals(List.of(new EscrowEvent.Deposited(INSURER, big(1_000), big(1_000))), deposit.events());

        QueryId q = QueryId.forReference("query-1");
        // T = 60 records, amount = floor(60 * 0.35) = 21; floors 3, 7, 10 (sum 20); remainder 1 to H3 (30 records)
        CallReceipt receipt = contract.settle(
                INSURER,
                q,
                List.of(new HospitalRecords(H3, 30), new HospitalRecords(H1, 10), new HospitalRecords(H2, 20)));

        assertEquals(
                List.of(
                        new EscrowEvent.Settled(q, INSURER, big(60), big(21)),
                        new EscrowEvent.Paid(q, H1, big(10), big(3)),
                        new EscrowEvent.Paid(q, H2, big(20), big(7)),
                        new EscrowEvent.Paid(q, H3, big(30), big(11))),
                receipt.events());
        assertEquals(big(3), contract.balanceOf(H1));
        assertEquals(big(7), contract.balanceOf(H2));
        assertEquals(big(11), contract.balanceOf(H3));
        assertEquals(big(979), contract.escrowOf(INSURER));
        assertTrue(contract.isSettled(q));
        assertEquals(
                List.of(new Payout(H1, 10, big(3)), new Payout(H2, 20, big(7)), new Payout(H3, 30, big(11))),
                ProRataSplit.split(
                        PRICE,
                        List.of(
                                new HospitalRecords(H1, 10),
                                new HospitalRecords(H2, 20),
                                new HospitalRecords(H3, 30))));
    }

    @Test
    void remainderTieGoesToLowestAddress() throws Exception {
        contract.setPricePerRecord(big(500_000));
        contract.deposit(INSURER, big(100));
        QueryId q = QueryId.forReference("tie");
        // T = 21, amount = 10, floors 3, 3, 3; the remainder 1 goes to H1, the lowest of three equal counts
        contract.settle(
                INSURER,
                q,
                List.of(new HospitalRecords(H3, 7), new HospitalRecords(H2, 7), new HospitalRecords(H1, 7)));
        assertEquals(big(4), contract.balanceOf(H1));
        assertEquals(big(3), contract.balanceOf(H2));
        assertEquals(big(3), contract.balanceOf(H3));
        assertEquals(big(90), contract.escrowOf(INSURER));
    }

    @Test
    void randomSettlementsMatchJavaRuleAndConserveMoney() throws Exception {
        Random random = new Random(20261125L);
        BigInteger deposited = big(10_000_000_000L);
        contract.deposit(INSURER, deposited);
        List<EvmAddress> hospitals = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            hospitals.add(addr(0x40 + i));
        }
        BigInteger spent = BigInteger.ZERO;
        for (int round = 0; round < 120; round++) {
            BigInteger price = big(random.nextInt(5_000_000));
            contract.setPricePerRecord(price);
            List<HospitalRecords> records = new ArrayList<>();
            for (EvmAddress h : hospitals) {
                if (random.nextInt(3) > 0) {
                    records.add(new HospitalRecords(h, 1 + random.nextInt(random.nextBoolean() ? 5 : 50_000)));
                }
            }
            if (records.isEmpty()) {
                records.add(new HospitalRecords(hospitals.get(0), 1));
            }
            QueryId q = QueryId.forReference("random-" + round);
            CallReceipt receipt = contract.settle(INSURER, q, records);
            List<Payout> expected = ProRataSplit.split(price, records);
            List<EscrowEvent> paid =
                    receipt.events().subList(1, receipt.events().size());
            assertEquals(expected.size(), paid.size(), "round " + round);
            BigInteger sum = BigInteger.ZERO;
            for (int i = 0; i < expected.size(); i++) {
                Payout p = expected.get(i);
                assertEquals(
                        new EscrowEvent.Paid(q, p.hospital(), big(p.recordCount()), p.amount()),
                        paid.get(i),
                        "round " + round + " hospital " + i);
                sum = sum.add(p.amount());
            }
            EscrowEvent.Settled settled = (EscrowEvent.Settled) receipt.events().get(0);
            assertEquals(settled.amount(), sum, "payouts add up to the amount charged, round " + round);
            spent = spent.add(settled.amount());
        }
        BigInteger earned = BigInteger.ZERO;
        for (EvmAddress h : hospitals) {
            earned = earned.add(contract.balanceOf(h));
        }
        assertEquals(spent, earned);
        assertEquals(deposited.subtract(spent), contract.escrowOf(INSURER));
    }

    @Test
    void insufficientEscrowIsRefusedAndChangesNothing() throws Exception {
        contract.deposit(INSURER, big(20));
        byte[] rootBefore = contract.stateRoot();
        int historyBefore = contract.history().size();
        QueryId q = QueryId.forReference("too-expensive");
        ContractCallException e = assertThrows(
                ContractCallException.class,
                () -> contract.settle(INSURER, q, List.of(new HospitalRecords(H1, 60)))); // costs 21
        assertEquals(RevertReason.INSUFFICIENT_ESCROW, e.reason());
        assertEquals(List.of(INSURER.toString(), "21", "20"), e.arguments());
        assertArrayEquals(rootBefore, contract.stateRoot());
        assertEquals(historyBefore, contract.history().size());
        assertFalse(contract.isSettled(q));
        assertEquals(big(20), contract.escrowOf(INSURER));
        assertEquals(BigInteger.ZERO, contract.balanceOf(H1));

        contract.deposit(INSURER, big(1));
        contract.settle(INSURER, q, List.of(new HospitalRecords(H1, 60)));
        assertEquals(big(21), contract.balanceOf(H1));
        assertEquals(BigInteger.ZERO, contract.escrowOf(INSURER));
    }

    @Test
    void replayedQueryIdIsRefused() throws Exception {
        contract.deposit(INSURER, big(1_000));
        contract.deposit(OTHER_INSURER, big(1_000));
        QueryId q = QueryId.forReference("once");
        contract.settle(INSURER, q, List.of(new HospitalRecords(H1, 100)));
        byte[] rootBefore = contract.stateRoot();
        for (EvmAddress payer : List.of(INSURER, OTHER_INSURER)) {
            ContractCallException e = assertThrows(
                    ContractCallException.class, () -> contract.settle(payer, q, List.of(new HospitalRecords(H2, 1))));
            assertEquals(RevertReason.QUERY_ALREADY_SETTLED, e.reason());
            assertEquals(List.of(q.toString()), e.arguments());
        }
        assertArrayEquals(rootBefore, contract.stateRoot());
        assertEquals(big(35), contract.balanceOf(H1));
        assertEquals(BigInteger.ZERO, contract.balanceOf(H2));
        assertEquals(big(965), contract.escrowOf(INSURER));
        assertEquals(big(1_000), contract.escrowOf(OTHER_INSURER));
    }

    @Test
    void malformedSettlementsAreRefusedByTheContract() throws Exception {
        contract.deposit(INSURER, big(1_000));
        QueryId q = QueryId.forReference("malformed");
        byte[] rootBefore = contract.stateRoot();
        assertRefused(
                RevertReason.HOSPITALS_NOT_ASCENDING,
                List.of("1"),
                EscrowAbi.settle(q, List.of(H2, H1), List.of(big(1), big(1))));
        assertRefused(
                RevertReason.HOSPITALS_NOT_ASCENDING,
                List.of("1"),
                EscrowAbi.settle(q, List.of(H1, H1), List.of(big(1), big(1))));
        assertRefused(
                RevertReason.ZERO_RECORD_COUNT,
                List.of("1"),
                EscrowAbi.settle(q, List.of(H1, H2), List.of(big(1), BigInteger.ZERO)));
        assertRefused(
                RevertReason.LENGTH_MISMATCH, List.of("2", "1"), EscrowAbi.settle(q, List.of(H1, H2), List.of(big(1))));
        assertRefused(RevertReason.EMPTY_SETTLEMENT, List.of(), EscrowAbi.settle(q, List.of(), List.of()));
        assertRefused(
                RevertReason.ZERO_ADDRESS,
                List.of(),
                EscrowAbi.settle(q, List.of(EvmAddress.of(new byte[20])), List.of(big(1))));
        BigInteger huge = BigInteger.ONE.shiftLeft(255);
        assertRefused(RevertReason.PANIC, List.of("17"), EscrowAbi.settle(q, List.of(H1), List.of(huge)));
        assertRefused(RevertReason.EXECUTION_FAILED, List.of(), new byte[] {1, 2, 3, 4});
        assertArrayEquals(rootBefore, contract.stateRoot());
        assertFalse(contract.isSettled(q));
        assertThrows(
                IllegalArgumentException.class,
                () -> contract.settle(INSURER, q, List.of(new HospitalRecords(H1, 1), new HospitalRecords(H1, 2))));
        assertThrows(IllegalArgumentException.class, () -> contract.settle(INSURER, q, List.of()));
    }

    private void assertRefused(RevertReason reason, List<String> args, byte[] input) {
        ContractCallException e = assertThrows(
                ContractCallException.class,
                () -> contract.execute(ContractCall.of(ContractCall.Kind.CALL, INSURER, input)));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(args, e.arguments());
    }

    @Test
    void operatorOnlyCallsAndOverdraftsAreRefused() throws Exception {
        ContractCallException notOperator = assertThrows(
                ContractCallException.class,
                () -> contract.execute(
                        ContractCall.of(ContractCall.Kind.CALL, INSURER, EscrowAbi.deposit(INSURER, big(5)))));
        assertEquals(RevertReason.NOT_OPERATOR, notOperator.reason());
        assertEquals(List.of(INSURER.toString()), notOperator.arguments());
        assertEquals(
                RevertReason.NOT_OPERATOR,
                assertThrows(
                                ContractCallException.class,
                                () -> contract.execute(
                                        ContractCall.of(ContractCall.Kind.CALL, H1, EscrowAbi.setPrice(big(1)))))
                        .reason());
        assertEquals(
                RevertReason.ZERO_AMOUNT,
                assertThrows(ContractCallException.class, () -> contract.deposit(INSURER, BigInteger.ZERO))
                        .reason());
        assertEquals(
                RevertReason.ZERO_ADDRESS,
                assertThrows(ContractCallException.class, () -> contract.deposit(EvmAddress.of(new byte[20]), big(1)))
                        .reason());

        contract.deposit(INSURER, big(100));
        contract.settle(INSURER, QueryId.forReference("w"), List.of(new HospitalRecords(H1, 100))); // pays 35
        ContractCallException overdraft =
                assertThrows(ContractCallException.class, () -> contract.withdraw(H1, big(36)));
        assertEquals(RevertReason.INSUFFICIENT_BALANCE, overdraft.reason());
        assertEquals(List.of(H1.toString(), "36", "35"), overdraft.arguments());
        assertEquals(
                RevertReason.INSUFFICIENT_ESCROW,
                assertThrows(ContractCallException.class, () -> contract.reclaimEscrow(INSURER, big(66)))
                        .reason());

        assertEquals(
                List.of(new EscrowEvent.Withdrawn(H1, big(30), big(5))),
                contract.withdraw(H1, big(30)).events());
        assertEquals(
                List.of(new EscrowEvent.EscrowReclaimed(INSURER, big(65), BigInteger.ZERO)),
                contract.reclaimEscrow(INSURER, big(65)).events());
        assertEquals(big(5), contract.balanceOf(H1));
        assertEquals(BigInteger.ZERO, contract.escrowOf(INSURER));
        assertThrows(IllegalArgumentException.class, () -> contract.deposit(INSURER, big(-1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> contract.execute(contract.history().get(0)));
    }

    @Test
    void replayFromGenesisReproducesBalancesAndStateRoot() throws Exception {
        List<EvmAddress> parties = List.of(INSURER, OTHER_INSURER, H1, H2, H3);
        contract.deposit(INSURER, big(5_000));
        contract.deposit(OTHER_INSURER, big(700));
        contract.settle(
                INSURER,
                QueryId.forReference("r1"),
                List.of(new HospitalRecords(H1, 123), new HospitalRecords(H2, 77)));
        byte[] block1 = contract.commitBlock();
        assertThrows(
                ContractCallException.class,
                () -> contract.settle(
                        OTHER_INSURER,
                        QueryId.forReference("r2"),
                        List.of(new HospitalRecords(H3, 10_000)))); // refused: not in the history
        contract.setPricePerRecord(big(1_234_567));
        contract.settle(
                OTHER_INSURER,
                QueryId.forReference("r3"),
                List.of(new HospitalRecords(H1, 5), new HospitalRecords(H2, 5), new HospitalRecords(H3, 9)));
        contract.withdraw(H1, big(10));
        contract.reclaimEscrow(OTHER_INSURER, big(100));
        byte[] root = contract.stateRoot();
        assertArrayEquals(root, contract.commitBlock());

        List<ContractCall> wire = contract.history().stream()
                .map(c -> ContractCall.parse(c.toBytes()))
                .toList();
        try (IncentiveContract replayed = IncentiveContract.replay(wire)) {
            assertArrayEquals(root, replayed.stateRoot());
            assertEquals(contract.address(), replayed.address());
            assertEquals(contract.pricePerRecord(), replayed.pricePerRecord());
            for (EvmAddress p : parties) {
                assertEquals(contract.balanceOf(p), replayed.balanceOf(p), p.toString());
                assertEquals(contract.escrowOf(p), replayed.escrowOf(p), p.toString());
            }
            assertTrue(replayed.isSettled(QueryId.forReference("r3")));
            assertFalse(replayed.isSettled(QueryId.forReference("r2")));
        }
        try (IncentiveContract prefix = IncentiveContract.replay(wire.subList(0, 4))) {
            assertArrayEquals(block1, prefix.stateRoot(), "block 1 root reproduced from its prefix");
        }
        List<ContractCall> altered = new ArrayList<>(wire);
        altered.set(1, ContractCall.of(ContractCall.Kind.CALL, OPERATOR, EscrowAbi.deposit(INSURER, big(5_001))));
        try (IncentiveContract forged = IncentiveContract.replay(altered)) {
            assertFalse(Arrays.equals(root, forged.stateRoot()), "a changed deposit changes the root");
        }
        List<ContractCall> duplicated = new ArrayList<>(wire);
        duplicated.add(wire.get(3));
        assertEquals(
                RevertReason.QUERY_ALREADY_SETTLED,
                assertThrows(ContractCallException.class, () -> IncentiveContract.replay(duplicated))
                        .reason());
    }

    @Test
    void withoutKeptHistoryTheMirroredCallsStillReplay() throws Exception {
        try (IncentiveContract lean = IncentiveContract.deploy(OPERATOR, PRICE, false)) {
            List<ContractCall> mirrored = new ArrayList<>();
            mirrored.add(lean.deployment());
            mirrored.add(lean.deposit(INSURER, big(500)).call());
            mirrored.add(lean.settle(
                            INSURER,
                            QueryId.forReference("lean"),
                            List.of(new HospitalRecords(H1, 3), new HospitalRecords(H2, 4)))
                    .call());
            assertThrows(IllegalStateException.class, lean::history);
            try (IncentiveContract replayed = IncentiveContract.replay(mirrored)) {
                assertArrayEquals(lean.stateRoot(), replayed.stateRoot());
                assertEquals(lean.balanceOf(H2), replayed.balanceOf(H2));
            }
        }
    }

    @Test
    void viewsDoNotChangeTheStateRoot() throws Exception {
        contract.deposit(INSURER, big(10));
        byte[] root = contract.stateRoot();
        contract.balanceOf(H1);
        contract.escrowOf(addr(0x77));
        contract.isSettled(QueryId.forReference("x"));
        contract.pricePerRecord();
        assertArrayEquals(root, contract.stateRoot());
    }
}
