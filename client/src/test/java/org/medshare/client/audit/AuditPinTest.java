package org.medshare.client.audit;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.client.testing.Cli;
import org.medshare.client.testing.Cli.Result;
import org.medshare.client.testing.FakeMedshare;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.verify.TrustedKeys;

/**
 * A regulator pins the service's checkpoint with {@code medshare audit checkpoint}; a later copy of the ledger
 * that the operator rewrote and re-signed passes {@code audit verify} alone and fails with {@code --checkpoint}.
 */
class AuditPinTest {
    @TempDir
    Path dir;

    FakeMedshare fake;
    Path regulator;
    Path ledger;
    Path keys;
    CheckpointSigner operator;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMedshare();
        regulator = dir.resolve("rita");
        assertEquals(0, Cli.login(fake, regulator, "rita").code());
        ledger = dir.resolve("ledger");
        operator = LedgerSuite.NIST.generateSigner("node-1.test");
        keys = dir.resolve("members.keys");
        TrustedKeys.write(keys, List.of(operator.verifier()));
    }

    @AfterEach
    void tearDown() {
        fake.close();
    }

    @Test
    void aRewrittenAndReSignedLogFailsAgainstThePinnedCheckpoint() throws Exception {
        append(0, 12);
        fake.serveCheckpoint(latestNote());
        Path pin = dir.resolve("pin.note");
        Result saved = as(regulator, "audit", "checkpoint", "--out", pin.toString(), "--keys", keys.toString());
        assertEquals(0, saved.code(), saved.toString());
        assertTrue(saved.out().startsWith("saved checkpoint medshare.test/ledger size 12 root "), saved.out());
        assertEquals(latestNote(), Files.readString(pin));

        append(12, 15);
        Result grown = verify("--checkpoint", pin.toString());
        assertEquals(0, grown.code(), grown.toString());
        assertTrue(grown.out().contains("pinned checkpoint " + pin + ": the log is consistent with it"), grown.out());

        deleteLedger();
        append(0, 5);
        append(500, 501);
        append(6, 15);
        assertEquals(0, verify().code(), "the re-signed copy verifies on its own");
        Result caught = verify("--checkpoint", pin.toString());
        assertEquals(1, caught.code(), caught.toString());
        assertTrue(
                caught.err().contains("pinned checkpoint " + pin + ": the log's first 12 entries do not reproduce"),
                caught.err());
    }

    @Test
    void aCheckpointThatDoesNotVerifyIsNotSavedAndDeletedCheckpointsFailVerification() throws Exception {
        append(0, 6);
        CheckpointSigner stranger = LedgerSuite.NIST.generateSigner("node-1.test");
        Path strangerKeys = dir.resolve("stranger.keys");
        TrustedKeys.write(strangerKeys, List.of(stranger.verifier()));
        fake.serveCheckpoint(latestNote());
        Path pin = dir.resolve("pin.note");
        Result refused =
                as(regulator, "audit", "checkpoint", "--out", pin.toString(), "--keys", strangerKeys.toString());
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("carries no signature from a trusted key"), refused.err());
        assertFalse(Files.exists(pin));

        fake.serveCheckpoint("not a signed note");
        assertEquals(
                1,
                as(regulator, "audit", "checkpoint", "--out", pin.toString(), "--keys", keys.toString())
                        .code());
        assertFalse(Files.exists(pin));
        assertEquals(
                2, as(regulator, "audit", "checkpoint", "--out", pin.toString()).code(), "--keys is required");

        Files.delete(ledger.resolve(CheckpointFile.NAME));
        Result noCheckpoint = verify();
        assertEquals(1, noCheckpoint.code(), noCheckpoint.toString());
        assertTrue(noCheckpoint.err().contains("no checkpoint covers the log's 6 entries"), noCheckpoint.err());
        assertEquals(
                2, verify("--checkpoint", dir.resolve("absent.note").toString()).code());
    }

    private Result verify(String... more) {
        List<String> args =
                new ArrayList<>(List.of("audit", "verify", "--ledger", ledger.toString(), "--keys", keys.toString()));
        args.addAll(List.of(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static Result as(Path config, String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--config";
        all[args.length + 1] = config.toString();
        return Cli.run(all);
    }

    /** Appends upload events {@code from} (inclusive) to {@code to} (exclusive), signed by the operator's key. */
    private void append(int from, int to) throws Exception {
        try (AuditLog log = AuditLog.open(
                ledger,
                AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", operator)
                        .build())) {
            Uploads.append(log, from, to);
        }
    }

    private String latestNote() throws Exception {
        List<String> notes =
                CheckpointFile.read(ledger.resolve(CheckpointFile.NAME)).notes();
        return notes.get(notes.size() - 1);
    }

    private void deleteLedger() throws Exception {
        try (var files = Files.list(ledger)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }
}
