package org.medshare.client.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.CliFailure;
import org.medshare.client.Medshare;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.contract.CallReceipt;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.contract.HospitalRecords;
import org.medshare.ledger.contract.IncentiveContract;
import org.medshare.ledger.contract.QueryId;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.member.ConsortiumCa;
import org.medshare.ledger.member.Member;
import org.medshare.ledger.storage.SegmentScanner;
import org.medshare.ledger.verify.ContractReplay;
import org.medshare.ledger.verify.TrustedKeys;
import picocli.CommandLine;

class AuditVerifyCommandTest {
    @TempDir
    Path tmp;

    /** Runs the command with the exit-status mapping of org.medshare.client.Medshare. */
    private int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        CommandLine cl = new CommandLine(new AuditVerifyCommand());
        PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8);
        cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cl.setErr(e);
        cl.setParameterExceptionHandler((ex, a) -> {
            e.println(ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            e.println(ex.getMessage());
            return ex instanceof CliFailure f ? f.exitCode() : 1;
        });
        return cl.execute(args);
    }

    @Test
    void passesUntouchedFailsNamingTheEntryAfterAByteFlipAndRefusesBadUsage() throws Exception {
        Path ledger = tmp.resolve("ledger");
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        try (AuditLog log = AuditLog.open(
                ledger,
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                        .build())) {
            for (int i = 0; i < 20; i++) {
                log.append(Event.upload(
                        1000L + i,
                        "hospital-a",
                        "rec-" + i,
                        SaltedHash.sha256(new byte[] {(byte) i}),
                        SaltedHash.sha256(new byte[] {1, (byte) i})));
            }
        }
        Path keys = tmp.resolve("members.keys");
        TrustedKeys.write(keys, List.of(signer.verifier()));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                0,
                run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString(), "--prove", "3", "19"),
                err.toString());
        assertTrue(out.toString().startsWith("OK: 20 entries"), out.toString());

        // Through the real entry point: medshare audit verify ...
        ByteArrayOutputStream mainOut = new ByteArrayOutputStream();
        ByteArrayOutputStream mainErr = new ByteArrayOutputStream();
        assertEquals(
                0,
                Medshare.run(
                        new String[] {"audit", "verify", "--ledger", ledger.toString(), "--keys", keys.toString()},
                        new java.io.PrintStream(mainOut, true, StandardCharsets.UTF_8),
                        new PrintStream(mainErr, true, StandardCharsets.UTF_8)),
                mainErr.toString());
        assertTrue(mainOut.toString().contains("OK: 20 entries"), mainOut.toString());

        Path seg = SegmentScanner.segmentFiles(ledger).get(0);
        byte[] b = Files.readAllBytes(seg);
        byte[] orig = b.clone();
        b[b.length - 40] ^= 0x10;
        Files.write(seg, b);
        err.reset();
        assertEquals(1, run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString()));
        assertTrue(err.toString().contains("entry 19 (segment 00000000000000000000.seg)"), err.toString());
        mainErr.reset();
        assertEquals(
                1,
                Medshare.run(
                        new String[] {"audit", "verify", "--ledger", ledger.toString(), "--keys", keys.toString()},
                        new java.io.PrintStream(mainOut, true, StandardCharsets.UTF_8),
                        new PrintStream(mainErr, true, StandardCharsets.UTF_8)));
        assertTrue(mainErr.toString().startsWith("medshare: ledger verification failed: entry 19"), mainErr.toString());
        assertEquals(1, mainErr.toString().strip().lines().count(), "one line on stderr");
        assertEquals(
                2,
                Medshare.run(
                        new String[] {"audit", "verify", "--ledger", ledger.toString()},
                        new PrintStream(mainOut, true, StandardCharsets.UTF_8),
                        new PrintStream(mainErr, true, StandardCharsets.UTF_8)));
        Files.write(seg, orig);

        Path otherKeys = tmp.resolve("other.keys");
        TrustedKeys.write(
                otherKeys,
                List.of(LedgerSuite.NIST.generateSigner("node-9.test").verifier()));
        assertEquals(1, run(out, err, "--ledger", ledger.toString(), "--keys", otherKeys.toString()));
        assertEquals(
                1,
                run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString(), otherKeys.toString()),
                "default quorum is a majority: 2 of 2");
        assertEquals(
                0,
                run(
                        out,
                        err,
                        "--ledger",
                        ledger.toString(),
                        "--keys",
                        keys.toString(),
                        otherKeys.toString(),
                        "--quorum",
                        "1"));

        assertEquals(2, run(out, err, "--ledger", ledger.toString()));
        assertEquals(2, run(out, err, "--ledger", tmp.resolve("nope").toString(), "--keys", keys.toString()));
        Files.writeString(tmp.resolve("garbage.keys"), "not a key\n");
        assertEquals(
                2,
                run(
                        out,
                        err,
                        "--ledger",
                        ledger.toString(),
                        "--keys",
                        tmp.resolve("garbage.keys").toString()));
        assertEquals(2, run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString(), "--quorum", "3"));
    }

    @Test
    void printsTheBalancesReplayedFromTheLedgerAndNamesAForgedPayment() throws Exception {
        Path ledger = tmp.resolve("ledger-c");
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        EvmAddress insurer = EvmAddress.forOrganisation("insurer-x");
        EvmAddress hospital = EvmAddress.forOrganisation("hospital-a");
        long forged;
        try (AuditLog log = AuditLog.open(
                        ledger,
                        AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                                .build());
                IncentiveContract live = IncentiveContract.deploy(
                        EvmAddress.forOrganisation("medshare-operator"), BigInteger.valueOf(2_500_000))) {
            log.append(
                    Event.contractCall(1, "medshare-operator", live.deployment().toBytes(), live.stateRoot()));
            CallReceipt deposit = live.deposit(insurer, BigInteger.valueOf(100));
            log.append(Event.contractCall(2, "insurer-x", deposit.call().toBytes(), live.stateRoot()));
            CallReceipt settle =
                    live.settle(insurer, QueryId.forReference("q-1"), List.of(new HospitalRecords(hospital, 4)));
            log.append(Event.contractCall(3, "insurer-x", settle.call().toBytes(), live.stateRoot()));
            log.append(Event.payment(4, "insurer-x", "hospital-a", "q-1", 10, 4, ContractReplay.txHash(settle.call())));
            log.checkpointNow();
            Path keys = tmp.resolve("c.keys");
            TrustedKeys.write(keys, List.of(signer.verifier()));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(0, run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString()), err.toString());
            assertTrue(out.toString().contains("  balance insurer-x escrow=90 earned=0\n"), out.toString());
            assertTrue(out.toString().contains("  balance hospital-a escrow=0 earned=10\n"), out.toString());
            assertTrue(
                    out.toString()
                            .contains("contract state root "
                                    + java.util.HexFormat.of().formatHex(live.stateRoot())),
                    out.toString());

            forged = log.append(Event.payment(
                            5, "insurer-x", "hospital-a", "q-1", 10, 4, ContractReplay.txHash(settle.call())))
                    .index();
            log.checkpointNow();
            err.reset();
            assertEquals(1, run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString()));
            assertTrue(
                    err.toString()
                            .startsWith(
                                    "ledger verification failed: entry " + forged + ": PAYMENT of 10 to hospital-a"),
                    err.toString());
        }
    }

    @Test
    void exitsOneNamingABudgetChargeThatOverspendsAHospitalsPeriod() throws Exception {
        Path ledger = tmp.resolve("ledger-b");
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        byte[] hash = SaltedHash.sha256(new byte[] {7});
        try (AuditLog log = AuditLog.open(
                ledger,
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                        .build())) {
            for (String query : List.of("q-1", "q-2")) {
                log.append(Event.builder(EventType.QUERY_SUBMITTED)
                        .timestamp(1)
                        .id(Field.ACTOR, "insurer-x")
                        .id(Field.QUERY_ID, query)
                        .hash(Field.QUERY_HASH, hash)
                        .build());
                log.append(Event.builder(EventType.QUERY_APPROVED)
                        .timestamp(1)
                        .id(Field.ACTOR, "regulator-nhc")
                        .id(Field.QUERY_ID, query)
                        .hash(Field.QUERY_HASH, hash)
                        .build());
                log.append(Event.budgetCharged(2, query, hash, "insurer-x", 600_000, 0, "total", 10_000_000));
                log.append(Event.budgetCharged(2, query, hash, "hospital-a", 600_000, 0, "2026-12", 1_000_000));
            }
        }
        Path keys = tmp.resolve("b.keys");
        TrustedKeys.write(keys, List.of(signer.verifier()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, run(out, err, "--ledger", ledger.toString(), "--keys", keys.toString()));
        assertTrue(
                err.toString().startsWith("ledger verification failed: entry 7 (segment ")
                        && err.toString()
                                .contains("BUDGET_CHARGED of q-2 to hospital-a for 2026-12 spends 600000 micro-epsilon"
                                        + " with 600000 of 1000000 already spent"),
                err.toString());
    }

    @Test
    void membershipModeTakesTheMembersFromTheLedgerAndTheConsortiumCa() throws Exception {
        var ca = ConsortiumCa.create("consortium-ca", LedgerSuite.NIST, Duration.ofDays(30));
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("member-a");
        var cert = ca.issue("member-a", signer.verifier(), java.time.Duration.ofDays(1));
        Path ledger = tmp.resolve("ledger-m");
        try (AuditLog log = AuditLog.open(
                ledger,
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                        .build())) {
            log.append(
                    Event.memberAdmitted(System.currentTimeMillis(), "ca-admin", "member-a", Member.fingerprint(cert)));
            log.append(Event.upload(1000L, "hospital-a", "rec-1", new byte[32], new byte[32]));
        }
        Path caFile = tmp.resolve("ca.der");
        Files.write(caFile, ca.rootCertificate().getEncoded());
        Path certFile = tmp.resolve("member-a.der");
        Files.write(certFile, cert.getEncoded());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(
                0,
                run(out, err, "--ledger", ledger.toString(), "--ca", caFile.toString(), "--certs", certFile.toString()),
                err.toString());
        assertTrue(out.toString().contains("admitted on the ledger itself"), out.toString());

        var rogue = ConsortiumCa.create("consortium-ca", LedgerSuite.NIST, Duration.ofDays(30));
        Path rogueFile = tmp.resolve("rogue.der");
        Files.write(rogueFile, rogue.rootCertificate().getEncoded());
        assertEquals(
                1,
                run(
                        out,
                        err,
                        "--ledger",
                        ledger.toString(),
                        "--ca",
                        rogueFile.toString(),
                        "--certs",
                        certFile.toString()));
        assertEquals(2, run(out, err, "--ledger", ledger.toString(), "--ca", caFile.toString()));
        Path keys = tmp.resolve("k.keys");
        TrustedKeys.write(keys, List.of(signer.verifier()));
        assertEquals(
                2,
                run(
                        out,
                        err,
                        "--ledger",
                        ledger.toString(),
                        "--ca",
                        caFile.toString(),
                        "--certs",
                        certFile.toString(),
                        "--keys",
                        keys.toString()));
        Files.writeString(tmp.resolve("junk.der"), "junk");
        assertEquals(
                2,
                run(
                        out,
                        err,
                        "--ledger",
                        ledger.toString(),
                        "--ca",
                        tmp.resolve("junk.der").toString(),
                        "--certs",
                        certFile.toString()));
    }
}
