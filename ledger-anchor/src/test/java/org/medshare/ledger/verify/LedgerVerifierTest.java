package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentFormat;
import org.medshare.ledger.storage.SegmentScanner;

@Timeout(120)
class LedgerVerifierTest {
    @TempDir
    Path dir;

    static Event event(int i) {
        return Event.upload(
                1_764_000_000_000L + i,
                "hospital-b",
                "rec-" + i,
                SaltedHash.sha256(("c" + i).getBytes()),
                SaltedHash.sha256(("p" + i).getBytes()));
    }

    private CheckpointSigner build(LedgerSuite suite, int n) throws Exception {
        CheckpointSigner signer = suite.generateSigner("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(suite, "medshare.test/ledger", signer)
                .checkpointEvery(4, Duration.ofSeconds(30))
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (int i = 0; i < n; i++) {
                log.append(event(i));
            }
        }
        return signer;
    }

    @Test
    void untouchedLedgerPassesAndEveryFlippedSegmentByteIsNamed() throws Exception {
        CheckpointSigner signer = build(LedgerSuite.NIST, 9);
        List<NoteVerifier> keys = List.of(signer.verifier());
        VerificationReport ok = LedgerVerifier.verify(dir, keys, 1, List.of(0L, 8L));
        assertTrue(ok.ok(), ok.summary());
        assertEquals(9, ok.entries());
        assertEquals(9, ok.coveredEntries());
        assertTrue(ok.checkpoints() >= 3);

        Path seg = SegmentScanner.segmentFiles(dir).get(0);
        byte[] orig = Files.readAllBytes(seg);
        int frame = SegmentFormat.FRAME_OVERHEAD + EventCodec.encode(event(0)).length;
        for (int pos = 0; pos < orig.length; pos++) {
            byte[] bad = orig.clone();
            bad[pos] ^= 0x01;
            Files.write(seg, bad);
            VerificationReport r = LedgerVerifier.verify(dir, keys, 1, List.of());
            assertFalse(r.ok(), "byte " + pos);
            long expected = pos < SegmentFormat.HEADER_SIZE ? 0 : (pos - SegmentFormat.HEADER_SIZE) / frame;
            assertEquals(expected, r.failedEntry(), "byte " + pos + ": " + r.failure());
            assertTrue(r.failure().contains("entry " + expected), r.failure());
        }
        Files.write(seg, orig);
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of()).ok());
    }

    @Test
    void signingKeyRevocationsAndDataUseRuleChangesVerifyAndNonCanonicalRulesAreNamed() throws Exception {
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .checkpointEvery(2, Duration.ofSeconds(30))
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            log.append(Event.builder(EventType.SIGNING_KEY_REVOKED)
                    .timestamp(1_764_000_000_001L)
                    .id(Field.ACTOR, "hospital-b")
                    .id(Field.KEY_ID, "0123456789abcdef0123456789abcdef")
                    .build());
            log.append(rulesChanged("[\"insurance-stats/*\",\"research/count-by-age\"]"));
            log.append(rulesChanged("[]"));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        VerificationReport ok = LedgerVerifier.verify(dir, keys, 1, List.of(1L, 2L));
        assertTrue(ok.ok(), ok.summary());
        assertEquals(4, ok.entries());

        for (String bad : List.of(
                "[\"research/*\",\"insurance-stats/*\"]",
                "[\"research/*\",\"research/*\"]",
                "[ \"research/*\"]",
                "[\"research\"]",
                "research/*")) {
            Path other = Files.createTempDirectory(dir.getParent(), "rules");
            try (AuditLog log = AuditLog.open(other, cfg)) {
                log.append(event(0));
                log.append(rulesChanged(bad));
            }
            VerificationReport r = LedgerVerifier.verify(other, keys, 1, List.of());
            assertFalse(r.ok(), bad);
            assertEquals(1, r.failedEntry(), bad + ": " + r.failure());
            assertTrue(r.failure().contains("data-use rules"), r.failure());
        }
    }

    @Test
    void disclosureLimitChangesVerifyAndNonCanonicalLimitsAreNamed() throws Exception {
        CheckpointSigner signer = LedgerSuite.NIST.generateSigner("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        String good = "{\"minGroupSize\":20,\"maxEpsilonMicros\":500000,\"maxRowsPerPatient\":3,"
                + "\"noiseRequired\":true,\"allowedAggregates\":[\"count\",\"mean\"],\"allowedFields\":[]}";
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            log.append(limitsChanged(good));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        VerificationReport ok = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertTrue(ok.ok(), ok.summary());

        String bad = good.replace("\"count\",\"mean\"", "\"mean\",\"count\"");
        Path other = Files.createTempDirectory(dir.getParent(), "limits");
        try (AuditLog log = AuditLog.open(other, cfg)) {
            log.append(event(0));
            log.append(limitsChanged(bad));
        }
        VerificationReport r = LedgerVerifier.verify(other, keys, 1, List.of());
        assertFalse(r.ok());
        assertEquals(1, r.failedEntry(), r.failure());
        assertTrue(r.failure().contains("disclosure limits"), r.failure());
    }

    private static Event limitsChanged(String limits) {
        return Event.builder(EventType.DISCLOSURE_LIMITS_CHANGED)
                .timestamp(1_764_000_000_002L)
                .id(Field.ACTOR, "hospital-b")
                .data(Field.LIMITS, limits.getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    private static Event rulesChanged(String rules) {
        return Event.builder(EventType.DATA_USE_RULES_CHANGED)
                .timestamp(1_764_000_000_002L)
                .id(Field.ACTOR, "hospital-b")
                .data(Field.RULES, rules.getBytes(StandardCharsets.US_ASCII))
                .build();
    }

    @Test
    void checkpointFileKeysAndQuorumAreChecked() throws Exception {
        CheckpointSigner signer = build(LedgerSuite.GM, 5);
        List<NoteVerifier> keys = List.of(signer.verifier());
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of(4L)).ok());
        CheckpointSigner other = NoteKeys.generateSm2("node-2.test");
        VerificationReport wrongKey = LedgerVerifier.verify(dir, List.of(other.verifier()), 1, List.of());
        assertFalse(wrongKey.ok());
        assertTrue(wrongKey.failure().contains("no signature from a trusted key"), wrongKey.failure());
        VerificationReport noQuorum =
                LedgerVerifier.verify(dir, List.of(signer.verifier(), other.verifier()), 2, List.of());
        assertFalse(noQuorum.ok());
        assertTrue(noQuorum.failure().contains("quorum"), noQuorum.failure());

        Path cp = dir.resolve(CheckpointFile.NAME);
        byte[] orig = Files.readAllBytes(cp);
        for (int pos = 0; pos < orig.length; pos += 3) {
            byte[] bad = orig.clone();
            bad[pos] ^= 0x04;
            Files.write(cp, bad);
            assertFalse(LedgerVerifier.verify(dir, keys, 1, List.of()).ok(), "checkpoint byte " + pos);
        }
        Files.write(cp, orig);
        assertFalse(LedgerVerifier.verify(dir, keys, 1, List.of(5L)).ok(), "entry 5 does not exist");
        assertThrows(IllegalArgumentException.class, () -> LedgerVerifier.verify(dir, keys, 2, List.of()));
    }

    @Test
    void receiptsVerifyOfflineAndForgeriesFail() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.appendAll(
                    IntStream.range(0, 10).mapToObj(LedgerVerifierTest::event).toList());
            SignedCheckpoint a = log.checkpointNow();
            log.appendAll(
                    IntStream.range(10, 17).mapToObj(LedgerVerifierTest::event).toList());
            SignedCheckpoint b = log.checkpointNow();
            List<NoteVerifier> keys = List.of(signer.verifier());
            ProofVerifier.verifyEventInclusion(log.hasher(), keys, 1, b, event(12), log.inclusionProof(12, 17));
            assertThrows(
                    InvalidProofException.class,
                    () -> ProofVerifier.verifyEventInclusion(
                            log.hasher(), keys, 1, b, event(13), log.inclusionProof(12, 17)));
            ProofVerifier.verifyCheckpointConsistency(log.hasher(), keys, 1, a, b, log.consistencyProof(10, 17));
            assertThrows(
                    InvalidProofException.class,
                    () -> ProofVerifier.verifyCheckpointConsistency(
                            log.hasher(), keys, 1, a, b, log.consistencyProof(9, 17)));
            // A "leader" that rewrote history: a validly signed checkpoint over a different tree is not consistent.
            SignedCheckpoint rewritten =
                    SignedCheckpoint.sign(new Checkpoint("medshare.test/ledger", 17, log.root(16)), signer);
            assertThrows(
                    InvalidProofException.class,
                    () -> ProofVerifier.verifyCheckpointConsistency(
                            log.hasher(), keys, 1, a, rewritten, log.consistencyProof(10, 17)));
        }
    }

    @Test
    void aLogWhoseCheckpointsWereDeletedFails() throws Exception {
        CheckpointSigner signer = build(LedgerSuite.NIST, 6);
        Files.delete(dir.resolve(CheckpointFile.NAME));
        VerificationReport report = LedgerVerifier.verify(dir, List.of(signer.verifier()), 1, List.of());
        assertFalse(report.ok());
        assertTrue(report.failure().startsWith("no checkpoint covers the log's 6 entries"), report.failure());
    }

    @Test
    void aLogRewrittenAndReSignedSinceAPinIsCaught() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        List<NoteVerifier> keys = List.of(signer.verifier());
        writeLog(signer, "medshare.test/ledger", 0, 9);
        PinnedCheckpoint pin = new PinnedCheckpoint("pin-9.note", latestNote());
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(pin)).ok());

        // the same log grown since the pin stays consistent with it
        writeLog(signer, "medshare.test/ledger", 9, 14);
        VerificationReport grown = LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(pin));
        assertTrue(grown.ok(), grown.failure());
        assertTrue(grown.notes().contains("pinned checkpoint pin-9.note: the log is consistent with it"));

        // the operator rewrites entry 3 and re-signs everything with its own key: alone it verifies
        clear();
        writeLog(signer, "medshare.test/ledger", 0, 3);
        writeLog(signer, "medshare.test/ledger", 100, 101);
        writeLog(signer, "medshare.test/ledger", 4, 14);
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of()).ok());
        VerificationReport rewritten = LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(pin));
        assertFalse(rewritten.ok());
        assertEquals(
                "pinned checkpoint pin-9.note: the log's first 9 entries do not reproduce its root"
                        + " (the log was rewritten since)",
                rewritten.failure());

        // ... or drops the tail and re-signs
        clear();
        writeLog(signer, "medshare.test/ledger", 0, 7);
        VerificationReport truncated = LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(pin));
        assertFalse(truncated.ok());
        assertTrue(truncated.failure().contains("it signs 9 entries but the log holds only 7"), truncated.failure());
    }

    @Test
    void aPinMustBeSignedByATrustedKeyAndNameTheLogsOrigin() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        writeLog(signer, "medshare.test/ledger", 0, 5);
        List<NoteVerifier> keys = List.of(signer.verifier());
        Checkpoint head = SignedCheckpoint.parse(latestNote(), 32).checkpoint();

        CheckpointSigner stranger = NoteKeys.generateEd25519("node-1.test");
        PinnedCheckpoint untrusted = new PinnedCheckpoint(
                "stranger.note", SignedCheckpoint.sign(head, stranger).format());
        VerificationReport report = LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(untrusted));
        assertFalse(report.ok());
        assertTrue(report.failure().startsWith("pinned checkpoint stranger.note: "), report.failure());

        PinnedCheckpoint elsewhere = new PinnedCheckpoint(
                "other.note",
                SignedCheckpoint.sign(new Checkpoint("other.test/ledger", head.size(), head.rootHash()), signer)
                        .format());
        VerificationReport otherOrigin = LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(elsewhere));
        assertFalse(otherOrigin.ok());
        assertTrue(otherOrigin.failure().contains("origin 'other.test/ledger'"), otherOrigin.failure());

        PinnedCheckpoint garbage = new PinnedCheckpoint("garbage.note", "not a note\n");
        assertFalse(
                LedgerVerifier.verify(dir, keys, 1, List.of(), List.of(garbage)).ok());
    }

    @Test
    void anUploadBySuspendedOrganisationFailsOfflineNamingTheEntry() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            log.append(Event.organisationSuspended(1, "regulator-nhc:rita", "hospital-b", "investigation"));
            log.append(Event.organisationReinstated(2, "regulator-nhc:rita", "hospital-b"));
            log.append(event(3));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of()).ok());
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(Event.organisationSuspended(4, "regulator-nhc:rita", "hospital-b", "investigation"));
            log.append(event(5));
        }
        VerificationReport report = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertFalse(report.ok());
        assertEquals(5, report.failedEntry());
        assertTrue(report.failure().endsWith("UPLOAD by hospital-b while hospital-b is suspended"), report.failure());
    }

    @Test
    void anEpochRaisedBackwardsFailsOfflineNamingTheEntry() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            log.append(Event.epochRaised(
                    1, "regulator-nhc:rita", AttributeEpoch.parse("2026Q4"), AttributeEpoch.parse("2027Q1")));
            log.append(event(2));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        assertTrue(LedgerVerifier.verify(dir, keys, 1, List.of()).ok());
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(Event.epochRaised(
                    3, "regulator-nhc:rita", AttributeEpoch.parse("2027Q1"), AttributeEpoch.parse("2026Q3")));
        }
        VerificationReport report = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertFalse(report.ok());
        assertEquals(3, report.failedEntry());
        assertTrue(
                report.failure().endsWith("EPOCH_RAISED from 2027Q1 to 2026Q3 does not move forward"),
                report.failure());
    }

    @Test
    void aBudgetChargeThatOverspendsTheHospitalsPeriodFailsOfflineNamingTheEntry() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            for (Event e : BudgetOrderTest.opening("q-1")) {
                log.append(e);
            }
            log.append(BudgetOrderTest.charged("q-1", "hospital-b", 700_000, "2026-12", 1_000_000));
            log.append(BudgetOrderTest.compute("q-1"));
            for (Event e : BudgetOrderTest.opening("q-2")) {
                log.append(e);
            }
            log.append(BudgetOrderTest.charged("q-2", "hospital-b", 300_000, "2026-12", 1_000_000));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        VerificationReport ok = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertTrue(ok.ok(), ok.summary());
        assertTrue(
                ok.notes().stream().anyMatch(n -> n.startsWith("4 BUDGET_CHARGED entries")),
                ok.notes().toString());
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (Event e : BudgetOrderTest.opening("q-3")) {
                log.append(e);
            }
            log.append(BudgetOrderTest.charged("q-3", "hospital-b", 1, "2026-12", 1_000_000));
            log.append(BudgetOrderTest.compute("q-3"));
        }
        VerificationReport report = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertFalse(report.ok());
        assertEquals(13, report.failedEntry());
        assertTrue(
                report.failure()
                        .endsWith("BUDGET_CHARGED of q-3 to hospital-b for 2026-12 spends 1 micro-epsilon with"
                                + " 1000000 of 1000000 already spent"),
                report.failure());
    }

    @Test
    void aForgedBudgetRefundFailsOfflineNamingTheEntry() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("node-1.test");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (Event e : BudgetOrderTest.opening("q-1")) {
                log.append(e);
            }
            log.append(BudgetOrderTest.charged("q-1", "hospital-b", 1_000_000, "2026-12", 1_000_000));
            log.append(BudgetOrderTest.compute("q-1"));
            log.append(BudgetOrderTest.refunded("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000));
            for (Event e : BudgetOrderTest.opening("q-2")) {
                log.append(e);
            }
            log.append(BudgetOrderTest.charged("q-2", "hospital-b", 1_000_000, "2026-12", 1_000_000));
        }
        List<NoteVerifier> keys = List.of(signer.verifier());
        VerificationReport report = LedgerVerifier.verify(dir, keys, 1, List.of());
        assertFalse(report.ok());
        assertEquals(5, report.failedEntry());
        assertTrue(
                report.failure()
                        .endsWith("BUDGET_REFUNDED of q-1 to hospital-a without an outstanding BUDGET_CHARGED of the"
                                + " query to the hospital"),
                report.failure());
    }

    /** Appends events {@code from} (inclusive) to {@code to} (exclusive) to the ledger in {@link #dir}. */
    private void writeLog(CheckpointSigner signer, String origin, int from, int to) throws Exception {
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, origin, signer)
                .checkpointEvery(4, Duration.ofSeconds(30))
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (int i = from; i < to; i++) {
                log.append(event(i));
            }
        }
    }

    private String latestNote() throws Exception {
        List<String> notes =
                CheckpointFile.read(dir.resolve(CheckpointFile.NAME)).notes();
        return notes.get(notes.size() - 1);
    }

    private void clear() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }
}
