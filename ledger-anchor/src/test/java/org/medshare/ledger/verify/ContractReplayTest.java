package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.contract.CallReceipt;
import org.medshare.ledger.contract.ContractCall;
import org.medshare.ledger.contract.EscrowEvent;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;

/**
 * The ledger as the only record of the incentive contract: the verifier re-executes every CONTRACT_CALL
 * from genesis and must reproduce the live contract exactly, and must name the entry of any forged call,
 * state root or payment.
 */
@Timeout(120)
class ContractReplayTest {
    private static final BigInteger PRICE = BigInteger.valueOf(2_500_000); // 2.5 units per record
    private static final String OPERATOR = "medshare-operator";

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** A ledger writer that applies calls to a live contract and records them as the service does. */
    private final class Writer {
        final AuditLog log;
        final IncentiveContract live;
        final CheckpointSigner signer;
        final Path path;
        long ts = 1_764_000_000_000L;

        Writer(String sub) throws Exception {
            signer = LedgerSuite.NIST.generateSigner("member-0.test");
            path = dir.resolve(sub);
            log = AuditLog.open(
                    path,
                    AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                            .checkpointEvery(3, Duration.ofSeconds(30))
                            .build());
            live = IncentiveContract.deploy(EvmAddress.forOrganisation(OPERATOR), PRICE, false);
            open.add(live);
            open.add(log);
            log.append(Event.contractCall(ts++, OPERATOR, live.deployment().toBytes(), live.stateRoot()));
        }

        long call(String actor, CallReceipt receipt) throws Exception {
            return log.append(Event.contractCall(ts++, actor, receipt.call().toBytes(), live.stateRoot()))
                    .index();
        }

        List<Event> payments(String insurer, String query, CallReceipt receipt, Map<EvmAddress, String> names) {
            byte[] tx = ContractReplay.txHash(receipt.call());
            List<Event> out = new ArrayList<>();
            for (EscrowEvent e : receipt.events()) {
                if (e instanceof EscrowEvent.Paid p) {
                    out.add(Event.payment(
                            ts++,
                            insurer,
                            names.get(p.hospital()),
                            query,
                            p.amount().longValueExact(),
                            p.recordCount().longValueExact(),
                            tx));
                }
            }
            return out;
        }

        void upload(int i) throws Exception {
            log.append(Event.upload(
                    ts++,
                    "hospital-a",
                    "rec-" + i,
                    SaltedHash.sha256(("c" + i).getBytes()),
                    SaltedHash.sha256(("p" + i).getBytes())));
        }

        VerificationReport verify() throws Exception {
            log.checkpointNow();
            return LedgerVerifier.verify(path, List.of(signer.verifier()), 1, List.of());
        }
    }

    private static final Map<EvmAddress, String> HOSPITALS = Map.of(
            EvmAddress.forOrganisation("hospital-a"), "hospital-a",
            EvmAddress.forOrganisation("hospital-b"), "hospital-b");

    private static List<HospitalRecords> shares(long a, long b) {
        return List.of(
                new HospitalRecords(EvmAddress.forOrganisation("hospital-a"), a),
                new HospitalRecords(EvmAddress.forOrganisation("hospital-b"), b));
    }

    /** Deposit, uploads, two settlements mirrored as PAYMENT events; returns the writer. */
    private Writer honestLedger(String sub) throws Exception {
        Writer w = new Writer(sub);
        EvmAddress insurer = EvmAddress.forOrganisation("insurer-x");
        w.call("insurer-x", w.live.deposit(insurer, BigInteger.valueOf(1_000)));
        w.upload(1);
        CallReceipt first = w.live.settle(insurer, QueryId.forReference("q-1"), shares(3, 5));
        w.call("insurer-x", first);
        w.log.appendAll(w.payments("insurer-x", "q-1", first, HOSPITALS));
        w.upload(2);
        CallReceipt second = w.live.settle(insurer, QueryId.forReference("q-2"), shares(1, 2));
        w.call("insurer-x", second);
        w.log.appendAll(w.payments("insurer-x", "q-2", second, HOSPITALS));
        return w;
    }

    @Test
    void replayFromTheLedgerEqualsTheLiveContract() throws Exception {
        Writer w = honestLedger("honest");
        VerificationReport report = w.verify();
        assertTrue(report.ok(), report.summary());
        VerificationReport.Contract c = report.contract();
        assertNotNull(c);
        assertEquals(4, c.calls(), "deployment, deposit, two settlements");
        assertEquals(4, c.payments());
        assertEquals(HexFormat.of().formatHex(w.live.stateRoot()), c.stateRoot());
        Map<String, ContractReplay.Balance> byName =
                c.balances().stream().collect(Collectors.toMap(ContractReplay.Balance::organisation, b -> b));
        assertEquals(Set.of("insurer-x", "hospital-a", "hospital-b"), byName.keySet());
        for (String org : byName.keySet()) {
            EvmAddress a = EvmAddress.forOrganisation(org);
            assertEquals(w.live.escrowOf(a), byName.get(org).escrow(), org);
            assertEquals(w.live.balanceOf(a), byName.get(org).earned(), org);
        }
        // 8 records at 2.5 = 20 (a: 7 + remainder rule, b: 12), then 3 records = 7 (floor of 7.5)
        assertEquals(BigInteger.valueOf(1_000 - 20 - 7), byName.get("insurer-x").escrow());
        assertEquals(
                BigInteger.valueOf(27),
                byName.get("hospital-a").earned().add(byName.get("hospital-b").earned()));

        // a restarting member rebuilds the same contract from the ledger alone
        try (ContractReplay restart = ContractReplay.forRestart()) {
            for (long i = 0; i < w.log.size(); i++) {
                restart.accept(i, w.log.read(i));
            }
            restart.finish();
            try (IncentiveContract rebuilt = restart.takeContract()) {
                assertArrayEquals(w.live.stateRoot(), rebuilt.stateRoot());
                assertEquals(
                        w.live.balanceOf(EvmAddress.forOrganisation("hospital-b")),
                        rebuilt.balanceOf(EvmAddress.forOrganisation("hospital-b")));
                assertTrue(rebuilt.isSettled(QueryId.forReference("q-2")));
            }
        }
    }

    @Test
    void forgedPaymentAmountIsNamed() throws Exception {
        Writer w = new Writer("forged-amount");
        EvmAddress insurer = EvmAddress.forOrganisation("insurer-x");
        w.call("insurer-x", w.live.deposit(insurer, BigInteger.valueOf(1_000)));
        CallReceipt settle = w.live.settle(insurer, QueryId.forReference("q-1"), shares(3, 5));
        w.call("insurer-x", settle);
        List<Event> pay = w.payments("insurer-x", "q-1", settle, HOSPITALS);
        Event honest = pay.get(1);
        Event inflated = Event.payment(
                honest.timestampMillis(),
                "insurer-x",
                honest.id(Field.PAYEE),
                "q-1",
                honest.amount(Field.AMOUNT) + 1,
                honest.amount(Field.RECORD_COUNT),
                honest.hash(Field.TX_HASH));
        w.log.append(pay.get(0));
        long forged = w.log.append(inflated).index();
        VerificationReport report = w.verify();
        assertFalse(report.ok());
        assertEquals(forged, report.failedEntry());
        assertTrue(report.failure().startsWith("entry " + forged + ": PAYMENT of"), report.failure());
        assertTrue(report.failure().contains("disagrees with the contract's payout"), report.failure());
    }

    @Test
    void paymentWithoutAPayoutIsNamed() throws Exception {
        Writer w = honestLedger("invented");
        byte[] tx = SaltedHash.sha256("no such call".getBytes());
        long forged = w.log.append(Event.payment(w.ts++, "insurer-x", "hospital-b", "q-1", 5, 2, tx))
                .index();
        VerificationReport report = w.verify();
        assertFalse(report.ok());
        assertEquals(forged, report.failedEntry());
        assertTrue(report.failure().contains("matches no unmirrored payout"), report.failure());
    }

    @Test
    void payoutLeftUnmirroredNamesTheCall() throws Exception {
        Writer w = new Writer("unmirrored");
        EvmAddress insurer = EvmAddress.forOrganisation("insurer-x");
        w.call("insurer-x", w.live.deposit(insurer, BigInteger.valueOf(1_000)));
        CallReceipt settle = w.live.settle(insurer, QueryId.forReference("q-1"), shares(3, 5));
        long call = w.call("insurer-x", settle);
        w.log.append(w.payments("insurer-x", "q-1", settle, HOSPITALS).get(0));
        VerificationReport report = w.verify();
        assertFalse(report.ok());
        assertEquals(call, report.failedEntry());
        assertTrue(report.failure().contains("no PAYMENT event mirrors it"), report.failure());
    }

    @Test
    void forgedStateRootIsNamed() throws Exception {
        Writer w = new Writer("root");
        CallReceipt deposit = w.live.deposit(EvmAddress.forOrganisation("insurer-x"), BigInteger.TEN);
        byte[] wrongRoot = w.live.stateRoot();
        wrongRoot[31] ^= 1;
        long forged = w.log.append(
                        Event.contractCall(w.ts++, "insurer-x", deposit.call().toBytes(), wrongRoot))
                .index();
        VerificationReport report = w.verify();
        assertFalse(report.ok());
        assertEquals(forged, report.failedEntry());
        assertTrue(report.failure().contains("recorded state root"), report.failure());
    }

    @Test
    void callTheContractWouldRefuseIsNamed() throws Exception {
        Writer w = new Writer("refused");
        EvmAddress insurer = EvmAddress.forOrganisation("insurer-x");
        w.call("insurer-x", w.live.deposit(insurer, BigInteger.valueOf(5)));
        // a settlement the insurer's escrow of 5 cannot pay, produced on another contract that had the money
        try (IncentiveContract rich = IncentiveContract.deploy(EvmAddress.forOrganisation(OPERATOR), PRICE)) {
            rich.deposit(insurer, BigInteger.valueOf(1_000));
            CallReceipt settle = rich.settle(insurer, QueryId.forReference("q-9"), shares(30, 50));
            long forged = w.log.append(Event.contractCall(
                            w.ts++, "insurer-x", settle.call().toBytes(), rich.stateRoot()))
                    .index();
            VerificationReport report = w.verify();
            assertFalse(report.ok());
            assertEquals(forged, report.failedEntry());
            assertTrue(report.failure().contains("refuses the recorded call"), report.failure());
        }
    }

    @Test
    void foreignDeploymentOrSecondDeploymentIsRefused() throws Exception {
        Writer w = new Writer("deploy");
        long second = w.log.append(
                        Event.contractCall(w.ts++, OPERATOR, w.live.deployment().toBytes(), w.live.stateRoot()))
                .index();
        VerificationReport report = w.verify();
        assertFalse(report.ok());
        assertEquals(second, report.failedEntry());
        assertTrue(report.failure().contains("second deployment"), report.failure());

        try (ContractReplay replay = ContractReplay.forVerification()) {
            UnaryOperator<byte[]> tamper = code -> {
                code[code.length - 40] ^= 1;
                return code;
            };
            ContractCall other = ContractCall.of(
                    ContractCall.Kind.DEPLOY,
                    EvmAddress.forOrganisation(OPERATOR),
                    tamper.apply(w.live.deployment().input()));
            ContractReplay.ReplayException e = assertThrows(
                    ContractReplay.ReplayException.class,
                    () -> replay.accept(0, Event.contractCall(1, OPERATOR, other.toBytes(), new byte[32])));
            assertTrue(e.getMessage().contains("must deploy IncentiveEscrow"), e.getMessage());
        }
    }

    @Test
    void ledgerWithoutContractCallsVerifiesWithoutAContract() throws Exception {
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("member-0.test");
        try (AuditLog log = AuditLog.open(
                dir.resolve("plain"),
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                        .checkpointEvery(2, Duration.ofSeconds(30))
                        .build())) {
            log.append(Event.upload(
                    1, "hospital-a", "rec-1", SaltedHash.sha256(new byte[1]), SaltedHash.sha256(new byte[2])));
            log.checkpointNow();
        }
        VerificationReport report =
                LedgerVerifier.verify(dir.resolve("plain"), List.of(signer.verifier()), 1, List.of());
        assertTrue(report.ok(), report.summary());
        assertNull(report.contract());
    }
}
