package org.medshare.ledger;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentFormat;
import org.medshare.ledger.storage.SegmentScanner;
import org.medshare.ledger.storage.TamperDetectedException;

@Timeout(120)
class AuditLogTest {
    @TempDir
    Path dir;

    static Event event(int i) {
        return Event.upload(
                1_764_000_000_000L + i,
                "hospital-a",
                "rec-" + i,
                SaltedHash.sha256(("c" + i).getBytes()),
                SaltedHash.sha256(("p" + i).getBytes()));
    }

    static AuditLogConfig config(LedgerSuite suite, CheckpointSigner signer, int every) {
        return AuditLogConfig.builder(suite, "medshare.test/ledger", signer)
                .checkpointEvery(every, Duration.ofMillis(200))
                .segmentBytes(8192)
                .build();
    }

    @Test
    void appendsProvesCheckpointsAndReopens() throws Exception {
        for (LedgerSuite suite : LedgerSuite.values()) {
            Path d = dir.resolve(suite.id());
            CheckpointSigner signer = suite.generateSigner("node-1.test/" + suite.id());
            AuditLogConfig cfg = config(suite, signer, 50);
            List<Receipt> receipts;
            SignedCheckpoint mid;
            try (AuditLog log = AuditLog.open(d, cfg)) {
                receipts = new ArrayList<>();
                for (int i = 0; i < 60; i++) {
                    receipts.add(log.append(event(i)));
                }
                receipts.addAll(log.appendAll(
                        IntStream.range(60, 120).mapToObj(AuditLogTest::event).toList()));
                for (int i = 0; i < 120; i++) {
                    assertEquals(i, receipts.get(i).index());
                }
                assertEquals(120, log.size());
                mid = log.awaitCheckpoint(119, Duration.ofSeconds(5));
                assertTrue(mid.checkpoint().size() >= 100, "signed per batch of 50, not per entry");
                assertTrue(
                        log.checkpoints().size() <= 12,
                        "never per entry: " + log.checkpoints().size());
                mid.verify(List.of(signer.verifier()));
                long n = mid.checkpoint().size();
                InclusionProof p = log.inclusionProof(7, n);
                p.verify(log.hasher(), mid.checkpoint().rootHash());
                assertArrayEquals(receipts.get(7).leafHash(), log.hasher().hashLeaf(EventCodec.encode(event(7))));
                assertEquals(event(7), log.read(7));
                log.consistencyProof(10, n)
                        .verify(log.hasher(), log.root(10), mid.checkpoint().rootHash());
                assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(0, 121));
                assertTrue(SegmentScanner.segmentFiles(d).size() > 1, "small segments roll");
            }
            try (AuditLog log = AuditLog.open(d, cfg)) {
                assertEquals(120, log.size());
                assertEquals(120, log.latestCheckpoint().checkpoint().size(), "close signs a final checkpoint");
                for (int i = 0; i < 120; i += 13) {
                    assertEquals(event(i), log.read(i));
                }
                Receipt r = log.append(event(120));
                assertEquals(120, r.index());
                SignedCheckpoint cp = log.checkpointNow();
                assertEquals(121, cp.checkpoint().size());
                MerkleProofs.verifyConsistency(
                        log.hasher(),
                        mid.checkpoint().size(),
                        121,
                        mid.checkpoint().rootHash(),
                        cp.checkpoint().rootHash(),
                        log.consistencyProof(mid.checkpoint().size(), 121).hashes());
            }
        }
    }

    @Test
    void refusesASecondOpenAndForeignKeysAndWrongSuite() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        try (AuditLog log = AuditLog.open(dir, config(LedgerSuite.NIST, signer, 10))) {
            log.append(event(0));
            assertThrows(IOException.class, () -> AuditLog.open(dir, config(LedgerSuite.NIST, signer, 10)));
        }
        CheckpointSigner stranger = NoteKeys.generateEd25519("n1");
        TamperDetectedException e = assertThrows(
                TamperDetectedException.class, () -> AuditLog.open(dir, config(LedgerSuite.NIST, stranger, 10)));
        assertTrue(e.getMessage().contains("checkpoint"), e.getMessage());
        CheckpointSigner sm2 = NoteKeys.generateSm2("n2");
        assertThrows(
                TamperDetectedException.class,
                () -> AuditLog.open(
                        dir,
                        AuditLogConfig.builder(LedgerSuite.GM, "medshare.test/ledger", sm2)
                                .trust(signer.verifier())
                                .build()));
        try (AuditLog log = AuditLog.open(dir, config(LedgerSuite.NIST, signer, 10))) {
            assertEquals(1, log.size());
        }
    }

    @Test
    void everyFlippedByteInACheckpointedSegmentIsRefusedAtOpenNamingTheEntry() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        AuditLogConfig cfg = config(LedgerSuite.NIST, signer, 1000);
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.appendAll(IntStream.range(0, 6).mapToObj(AuditLogTest::event).toList());
        }
        Path seg = SegmentScanner.segmentFiles(dir).get(0);
        byte[] orig = Files.readAllBytes(seg);
        int frame = SegmentFormat.FRAME_OVERHEAD + EventCodec.encode(event(0)).length;
        for (int pos = 0; pos < orig.length; pos++) {
            byte[] bad = orig.clone();
            bad[pos] ^= 0x20;
            Files.write(seg, bad);
            TamperDetectedException e =
                    assertThrows(TamperDetectedException.class, () -> AuditLog.open(dir, cfg), "byte " + pos);
            assertEquals(seg.getFileName().toString(), e.segment(), "byte " + pos);
            long expectedEntry = pos < SegmentFormat.HEADER_SIZE ? 0 : (pos - SegmentFormat.HEADER_SIZE) / frame;
            assertEquals(expectedEntry, e.entryIndex(), "byte " + pos + ": " + e.getMessage());
        }
        Files.write(seg, orig);
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            assertEquals(6, log.size());
        }
    }

    @Test
    void everyFlippedByteInTheCheckpointFileIsRefusedAtOpen() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        AuditLogConfig cfg = config(LedgerSuite.NIST, signer, 2);
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (int i = 0; i < 5; i++) {
                log.append(event(i));
            }
        }
        Path cp = dir.resolve(CheckpointFile.NAME);
        byte[] orig = Files.readAllBytes(cp);
        for (int pos = 0; pos < orig.length; pos++) {
            byte[] bad = orig.clone();
            bad[pos] ^= 0x02;
            Files.write(cp, bad);
            assertThrows(TamperDetectedException.class, () -> AuditLog.open(dir, cfg), "checkpoint byte " + pos);
        }
        Files.write(cp, orig);
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            assertEquals(5, log.size());
        }
    }

    @Test
    void aRewriteWithValidChecksumsIsCaughtByTheSignedRoot() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        AuditLogConfig cfg = config(LedgerSuite.NIST, signer, 1000);
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.appendAll(IntStream.range(0, 5).mapToObj(AuditLogTest::event).toList());
        }
        Path seg = SegmentScanner.segmentFiles(dir).get(0);
        // Rebuild the segment with entry 3 replaced by a different valid event and correct CRCs.
        Path other = dir.resolve("forge");
        try (AuditLog forged = AuditLog.open(other, config(LedgerSuite.NIST, NoteKeys.generateEd25519("evil"), 1000))) {
            for (int i = 0; i < 5; i++) {
                forged.append(i == 3 ? event(99) : event(i));
            }
        }
        Files.copy(SegmentScanner.segmentFiles(other).get(0), seg, StandardCopyOption.REPLACE_EXISTING);
        TamperDetectedException e = assertThrows(TamperDetectedException.class, () -> AuditLog.open(dir, cfg));
        assertTrue(e.getMessage().contains("do not match the signed checkpoint"), e.getMessage());
    }

    @Test
    void tornTailBeyondTheLastCheckpointIsTruncated() throws Exception {
        Path root = dir;
        Path dir = root.resolve("log");
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .checkpointEvery(1000, Duration.ofHours(1))
                .build();
        AuditLog log = AuditLog.open(dir, cfg);
        log.appendAll(IntStream.range(0, 4).mapToObj(AuditLogTest::event).toList());
        log.checkpointNow();
        log.appendAll(IntStream.range(4, 7).mapToObj(AuditLogTest::event).toList());
        // Simulate a crash: copy the files as they are now (no final checkpoint), then cut the last frame.
        Path crash = dir.resolveSibling(dir.getFileName() + "-crash");
        Files.createDirectories(crash);
        for (Path p : Files.list(dir).toList()) {
            if (!p.getFileName().toString().equals("LOCK")) {
                Files.copy(p, crash.resolve(p.getFileName()));
            }
        }
        log.close();
        Path seg = SegmentScanner.segmentFiles(crash).get(0);
        long len = Files.size(seg);
        for (int cut : new int[] {1, 5, 20}) {
            Path d = crash.resolveSibling("cut-" + cut);
            Files.createDirectories(d);
            for (Path p : Files.list(crash).toList()) {
                Files.copy(p, d.resolve(p.getFileName()));
            }
            Path s = d.resolve(seg.getFileName());
            try (var ch = FileChannel.open(s, StandardOpenOption.WRITE)) {
                ch.truncate(len - cut);
            }
            try (AuditLog re = AuditLog.open(d, cfg)) {
                assertEquals(6, re.size(), "cut " + cut);
                re.inclusionProof(5, 6).verify(re.hasher(), re.root(6));
                assertEquals(event(5), re.read(5));
                assertEquals(6, re.append(event(6)).index());
            }
        }
        // A cut that reaches into the checkpointed prefix is tampering, not a torn tail.
        Path s = crash.resolve(seg.getFileName());
        int frame = SegmentFormat.FRAME_OVERHEAD + EventCodec.encode(event(0)).length;
        try (var ch = FileChannel.open(s, StandardOpenOption.WRITE)) {
            ch.truncate(SegmentFormat.HEADER_SIZE + 3L * frame + 2);
        }
        TamperDetectedException e = assertThrows(TamperDetectedException.class, () -> AuditLog.open(crash, cfg));
        assertEquals(3, e.entryIndex(), e.getMessage());
    }

    @Test
    void refusalsOfTheRunningLog() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .checkpointEvery(1000, Duration.ofHours(1))
                .queueCapacity(1)
                .build();
        AuditLog log = AuditLog.open(dir, cfg);
        assertNull(log.latestCheckpoint());
        assertNull(log.checkpointNow(), "nothing to sign in an empty log");
        assertThrows(TimeoutException.class, () -> log.awaitCheckpoint(0, Duration.ofMillis(50)));
        boolean overloaded = false;
        List<CompletableFuture<Receipt>> fs = new ArrayList<>();
        for (int i = 0; i < 10_000 && !overloaded; i++) {
            try {
                fs.add(log.appendAsync(event(i)));
            } catch (LogOverloadedException e) {
                overloaded = true;
            }
        }
        assertTrue(overloaded, "a full queue refuses instead of blocking");
        for (var f : fs) {
            f.join();
        }
        assertEquals(fs.size(), log.size());
        assertThrows(IllegalArgumentException.class, () -> log.inclusionProof(0, fs.size() + 1L));
        assertThrows(IllegalArgumentException.class, () -> log.consistencyProof(2, 1));
        assertThrows(IllegalArgumentException.class, () -> log.read(fs.size()));
        log.close();
        assertThrows(IllegalStateException.class, () -> log.append(event(0)));
        assertThrows(
                IllegalArgumentException.class,
                () -> AuditLogConfig.builder(LedgerSuite.NIST, "bad\norigin", signer)
                        .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> AuditLogConfig.builder(LedgerSuite.NIST, "o", signer)
                        .checkpointEvery(0, Duration.ofSeconds(1))
                        .build());
        try (AuditLog again = AuditLog.open(dir, cfg)) {
            assertEquals(fs.size(), again.latestCheckpoint().checkpoint().size(), "close signed the final checkpoint");
        }
    }

    @Test
    void cosignaturesAreStoredWithTheCheckpoint() throws Exception {
        CheckpointSigner signer = NoteKeys.generateEd25519("n1");
        CheckpointSigner witness = NoteKeys.generateSm2("n2");
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/ledger", signer)
                .trust(witness.verifier())
                .build();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(event(0));
            SignedCheckpoint cp = log.checkpointNow();
            SignedCheckpoint cos = cp.withSignatures(List.of(cp.cosign(witness)));
            log.addCosignatures(cos);
            assertEquals(
                    2, log.latestCheckpoint().verifyQuorum(cfg.trustedKeys(), 2).size());
            SignedCheckpoint forged =
                    SignedCheckpoint.sign(new Checkpoint("medshare.test/ledger", 1, new byte[32]), witness);
            assertThrows(GeneralSecurityException.class, () -> log.addCosignatures(forged));
        }
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            assertEquals(
                    2, log.latestCheckpoint().verifyQuorum(cfg.trustedKeys(), 2).size());
        }
    }
}
