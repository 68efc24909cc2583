package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.member.ConsortiumCa;
import org.medshare.ledger.member.Member;

@Timeout(120)
class MembershipVerifierTest {
    @TempDir
    Path dir;

    @Test
    void quorumIsCountedOverMembersAdmittedOnTheLedgerAtEachCheckpoint() throws Exception {
        ConsortiumCa ca = ConsortiumCa.create("consortium-ca", LedgerSuite.NIST, Duration.ofDays(30));
        List<CheckpointSigner> keys = new ArrayList<>();
        List<X509Certificate> certs = new ArrayList<>();
        for (String id : List.of("member-a", "member-b", "member-c")) {
            CheckpointSigner k = LedgerSuite.NIST.generateSigner(id);
            keys.add(k);
            certs.add(ca.issue(id, k.verifier(), Duration.ofDays(1)));
        }
        AuditLogConfig cfg = AuditLogConfig.builder(LedgerSuite.NIST, "medshare.test/consortium", keys.get(0))
                .trust(keys.get(1).verifier())
                .trust(keys.get(2).verifier())
                .checkpointEvery(1000, Duration.ofHours(1))
                .build();
        long now = System.currentTimeMillis();
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            for (int i = 0; i < 3; i++) {
                log.append(Event.memberAdmitted(
                        now, "ca-admin", "member-" + (char) ('a' + i), Member.fingerprint(certs.get(i))));
            }
            SignedCheckpoint cp1 = log.checkpointNow();
            log.addCosignatures(cp1.withSignatures(List.of(cp1.cosign(keys.get(1)))));
            log.append(Event.upload(now, "hospital-a", "rec-1", new byte[32], new byte[32]));
            SignedCheckpoint cp2 = log.checkpointNow();
            log.addCosignatures(cp2.withSignatures(List.of(cp2.cosign(keys.get(2)))));
        }
        VerificationReport ok = MembershipVerifier.verify(dir, ca.rootCertificate(), certs, 2);
        assertTrue(ok.ok(), ok.summary());
        assertTrue(
                LedgerVerifier.verify(
                                dir,
                                keys.stream().map(CheckpointSigner::verifier).toList(),
                                2,
                                List.of(3L))
                        .ok(),
                "an original superseded by its cosigned version does not count against the quorum");
        assertFalse(
                MembershipVerifier.verify(dir, ca.rootCertificate(), certs, 3).ok());

        // member-b is removed; a later checkpoint cosigned only by b no longer reaches the quorum: it is
        // reported as not final and covers nothing.
        try (AuditLog log = AuditLog.open(dir, cfg)) {
            log.append(Event.memberRemoved(now + 1, "ca-admin", "member-b", "left-consortium"));
            SignedCheckpoint cp3 = log.checkpointNow();
            log.addCosignatures(cp3.withSignatures(List.of(cp3.cosign(keys.get(1)))));
        }
        VerificationReport notFinal = MembershipVerifier.verify(dir, ca.rootCertificate(), certs, 2);
        assertTrue(notFinal.ok(), notFinal.summary());
        assertEquals(4, notFinal.coveredEntries(), "the last final checkpoint is the one of size 4");
        assertTrue(
                notFinal.notes().stream()
                        .anyMatch(n -> n.contains("not final") && n.contains("quorum") && n.contains("size 5")),
                notFinal.notes().toString());
        assertTrue(
                LedgerVerifier.verify(
                                dir,
                                keys.stream().map(CheckpointSigner::verifier).toList(),
                                2,
                                List.of())
                        .ok(),
                "a flat key list cannot see the removal; the membership-aware verifier can");

        ConsortiumCa rogue = ConsortiumCa.create("consortium-ca", LedgerSuite.NIST, Duration.ofDays(30));
        assertFalse(
                MembershipVerifier.verify(dir, rogue.rootCertificate(), certs, 1)
                        .ok(),
                "certificates must chain to the CA");
    }
}
