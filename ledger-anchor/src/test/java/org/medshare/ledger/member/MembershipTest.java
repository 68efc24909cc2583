package org.medshare.ledger.member;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.AuditLogConfig;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.SignatureVerificationException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;

@Timeout(120)
class MembershipTest {
    @TempDir
    Path dir;

    @Test
    void admissionAndRemovalAreLedgerEventsAndDriveTheQuorum() throws Exception {
        for (LedgerSuite suite : LedgerSuite.values()) {
            ConsortiumCa ca = ConsortiumCa.create("medshare-consortium-ca", suite, Duration.ofDays(3650));
            List<CheckpointSigner> keys = new ArrayList<>();
            List<X509Certificate> certs = new ArrayList<>();
            for (String id : List.of("member-a", "member-b", "member-c")) {
                CheckpointSigner k = suite.generateSigner(id);
                keys.add(k);
                certs.add(ca.issue(id, k.verifier(), Duration.ofDays(365)));
            }
            Path d = dir.resolve(suite.id());
            AuditLogConfig cfg = AuditLogConfig.builder(suite, "medshare.test/consortium", keys.get(0))
                    .trust(keys.get(1).verifier())
                    .trust(keys.get(2).verifier())
                    .build();
            long now = System.currentTimeMillis();
            try (AuditLog log = AuditLog.open(d, cfg)) {
                for (int i = 0; i < 3; i++) {
                    log.append(Event.memberAdmitted(
                            now, "ca-admin", "member-" + (char) ('a' + i), Member.fingerprint(certs.get(i))));
                }
                SignedCheckpoint cp = log.checkpointNow();
                List<Event> events = new ArrayList<>();
                for (long i = 0; i < log.size(); i++) {
                    events.add(log.read(i));
                }
                Membership m = Membership.replay(ca.rootCertificate(), events, certs, null);
                assertEquals(
                        List.of("member-a", "member-b", "member-c"),
                        m.activeMembers().stream().map(Member::id).toList());
                assertThrows(SignatureVerificationException.class, () -> m.checkQuorum(cp, 2));
                SignedCheckpoint cosigned = cp.withSignatures(List.of(cp.cosign(keys.get(2))));
                assertEquals(2, m.checkQuorum(cosigned, 2).size());

                log.append(Event.memberRemoved(now + 1, "ca-admin", "member-c", "compromised"));
                events.add(log.read(3));
                Membership after = Membership.replay(ca.rootCertificate(), events, certs, null);
                assertTrue(after.isRemoved("member-c"));
                assertFalse(after.isActive("member-c"));
                assertThrows(
                        SignatureVerificationException.class,
                        () -> after.checkQuorum(cosigned, 2),
                        "a removed member's cosignature no longer counts");
                List<Event> readmit = new ArrayList<>(events);
                readmit.add(Event.memberAdmitted(now + 2, "ca-admin", "member-c", Member.fingerprint(certs.get(2))));
                assertThrows(
                        MembershipException.class, () -> Membership.replay(ca.rootCertificate(), readmit, certs, null));
            }
        }
    }

    @Test
    void certificatesFromAnotherCaExpiredOrMismatchedAreRefused() throws Exception {
        ConsortiumCa ca = ConsortiumCa.create("ca", LedgerSuite.NIST, Duration.ofDays(10));
        ConsortiumCa rogue = ConsortiumCa.create("ca", LedgerSuite.NIST, Duration.ofDays(10));
        CheckpointSigner k = NoteKeys.generateEd25519("member-x");
        Membership m = new Membership(ca.rootCertificate());
        X509Certificate good = ca.issue("member-x", k.verifier(), Duration.ofDays(1));
        Member member = m.verifyCertificate(good, Instant.now());
        assertEquals("member-x", member.id());
        assertEquals(k.verifier().keyId(), member.verifier().keyId());
        assertThrows(
                MembershipException.class,
                () -> m.verifyCertificate(rogue.issue("member-x", k.verifier(), Duration.ofDays(1)), Instant.now()));
        X509Certificate expired = ca.issue(
                "member-x",
                NoteKeys.publicKeyOf(k.verifier()),
                Instant.now().minusSeconds(7200),
                Instant.now().minusSeconds(3600));
        assertThrows(MembershipException.class, () -> m.verifyCertificate(expired, Instant.now()));
        assertThrows(
                MembershipException.class,
                () -> m.verifyCertificate(ca.rootCertificate(), Instant.now()),
                "a CA is no member");
        Event wrongId =
                Event.memberAdmitted(System.currentTimeMillis(), "ca-admin", "member-y", Member.fingerprint(good));
        assertThrows(MembershipException.class, () -> m.apply(wrongId, List.of(good), null));
        Event unknown = Event.memberAdmitted(System.currentTimeMillis(), "ca-admin", "member-x", new byte[32]);
        assertThrows(MembershipException.class, () -> m.apply(unknown, List.of(good), null));
        assertThrows(
                MembershipException.class,
                () -> m.apply(Event.memberRemoved(1, "ca-admin", "member-z", "r"), List.of(), null));
    }
}
