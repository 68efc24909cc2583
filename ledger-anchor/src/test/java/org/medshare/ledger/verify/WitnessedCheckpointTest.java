package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;

/**
 * Members' cosignature lines in a log's checkpoint file: the log records a witnessed checkpoint only if
 * it matches its own entries, and the verifier counts the members' signatures against the quorum,
 * reporting checkpoints short of it as not final.
 */
@Timeout(60)
class WitnessedCheckpointTest {
    static final String ORIGIN = "medshare.test/witnessed";

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

    @Test
    void cosignatureLinesMakeACheckpointFinalAndOneShortOfQuorumIsNotFinal() throws Exception {
        CheckpointSigner m1 = LedgerSuite.NIST.generateSigner("m1");
        CheckpointSigner m2 = LedgerSuite.NIST.generateSigner("m2");
        CheckpointSigner m3 = LedgerSuite.NIST.generateSigner("m3");
        CheckpointSigner outsider = LedgerSuite.NIST.generateSigner("m9");
        List<NoteVerifier> members = List.of(m1.verifier(), m2.verifier(), m3.verifier());
        AuditLogConfig config = AuditLogConfig.builder(LedgerSuite.NIST, ORIGIN, m1)
                .trust(m2.verifier())
                .trust(m3.verifier())
                .checkpointEvery(5, Duration.ofSeconds(30))
                .build();
        try (AuditLog log = AuditLog.open(dir, config)) {
            for (int i = 0; i < 12; i++) {
                log.append(event(i));
            }
            log.checkpointNow();
            assertEquals(12, log.latestCheckpoint().checkpoint().size(), "own checkpoint at 12, signed by m1 only");

            // the group finalised size 8 with m2's and m3's cosignatures (recorded after the own one of 12)
            Checkpoint at8 = new Checkpoint(ORIGIN, 8, log.root(8));
            SignedCheckpoint witnessed = SignedCheckpoint.sign(at8, m2);
            witnessed = witnessed.withSignatures(List.of(witnessed.cosign(m3)));
            SignedCheckpoint stored = log.recordWitnessedCheckpoint(witnessed);
            assertEquals(8, stored.checkpoint().size());
            assertEquals(
                    List.of(8L, 10L, 12L),
                    log.checkpoints().stream()
                            .map(c -> c.checkpoint().size())
                            .filter(s -> s >= 8)
                            .distinct()
                            .toList(),
                    "checkpoints stay ordered by size");
            assertSame(stored, log.recordWitnessedCheckpoint(witnessed), "the same signatures again change nothing");

            // refused: a root that is not this log's, a size not yet durable, only untrusted signatures
            Checkpoint wrongRoot = new Checkpoint(ORIGIN, 8, log.root(7));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> log.recordWitnessedCheckpoint(SignedCheckpoint.sign(wrongRoot, m2)));
            Checkpoint ahead = new Checkpoint(ORIGIN, 13, log.root(12));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> log.recordWitnessedCheckpoint(SignedCheckpoint.sign(ahead, m2)));
            assertThrows(
                    GeneralSecurityException.class,
                    () -> log.recordWitnessedCheckpoint(SignedCheckpoint.sign(at8, outsider)));
            int records = log.checkpoints().size();

            VerificationReport two = LedgerVerifier.verify(dir, members, 2, List.of(3L));
            assertTrue(two.ok(), two.summary());
            assertEquals(8, two.coveredEntries(), "only the cosigned checkpoint reaches a quorum of 2");
            assertTrue(
                    two.notes().stream().anyMatch(n -> n.contains("are not final (largest size 12)")),
                    two.notes().toString());
            assertTrue(
                    two.notes().stream()
                            .anyMatch(n -> n.contains("4 entries after index 7 are not yet covered by a final")),
                    two.notes().toString());
            VerificationReport notCovered = LedgerVerifier.verify(dir, members, 2, List.of(9L));
            assertFalse(notCovered.ok());
            assertTrue(
                    notCovered.failure().contains("not covered by the latest final checkpoint (size 8)"),
                    notCovered.failure());

            VerificationReport three = LedgerVerifier.verify(dir, members, 3, List.of());
            assertFalse(three.ok());
            assertTrue(three.failure().startsWith("no checkpoint is final"), three.failure());

            // m1 cosigns the same checkpoint: the merged record now carries all three members
            SignedCheckpoint all = log.recordWitnessedCheckpoint(SignedCheckpoint.sign(at8, m1));
            assertEquals(3, all.verify(members).size());
            assertEquals(records, log.checkpoints().size(), "merged in place");
            VerificationReport threeNow = LedgerVerifier.verify(dir, members, 3, List.of(7L));
            assertTrue(threeNow.ok(), threeNow.summary());
            assertEquals(8, threeNow.coveredEntries());
        }
        // the log reopens with its witnessed records (their roots checked against the entries)
        try (AuditLog reopened = AuditLog.open(dir, config)) {
            assertEquals(12, reopened.latestCheckpoint().checkpoint().size());
            assertTrue(reopened.checkpoints().stream()
                    .anyMatch(c ->
                            c.checkpoint().size() == 8 && c.note().signatures().size() == 3));
        }
    }
}
