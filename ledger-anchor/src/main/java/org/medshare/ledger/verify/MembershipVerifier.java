package org.medshare.ledger.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.member.Member;
import org.medshare.ledger.member.Membership;
import org.medshare.ledger.member.MembershipException;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentScanner;

/**
 * Offline verification where the trusted keys come from the ledger itself: the consortium CA root
 * and the members' certificates are given; MEMBER_ADMITTED / MEMBER_REMOVED events decide who is a
 * member when. A checkpoint of size {@code n} is final with valid signatures from at least
 * {@code quorum} members admitted by events before index {@code n} (and not removed by then); one
 * short of that is reported as not final, and at least one must be final. All
 * the byte, root and consistency checks of {@link LedgerVerifier} run first, accepting any
 * certified member's signature.
 */
public final class MembershipVerifier {
    private MembershipVerifier() {}

    public static VerificationReport verify(
            Path dir, X509Certificate caRoot, List<X509Certificate> memberCertificates, int quorum) throws IOException {
        return verify(dir, caRoot, memberCertificates, quorum, List.of());
    }

    /** As {@link #verify(Path, X509Certificate, List, int)}, and the log must be consistent with every pin. */
    public static VerificationReport verify(
            Path dir,
            X509Certificate caRoot,
            List<X509Certificate> memberCertificates,
            int quorum,
            List<PinnedCheckpoint> pinned)
            throws IOException {
        if (quorum < 1) {
            throw new IllegalArgumentException("quorum must be >= 1");
        }
        Membership all = new Membership(caRoot);
        List<NoteVerifier> certified = new ArrayList<>();
        for (X509Certificate c : memberCertificates) {
            try {
                Member m = all.verifyCertificate(c, c.getNotBefore().toInstant().plusSeconds(1));
                certified.add(m.verifier());
            } catch (MembershipException e) {
                return VerificationReport.failed(
                        0,
                        0,
                        0,
                        "certificate " + c.getSubjectX500Principal().getName() + ": " + e.getMessage(),
                        -1,
                        null,
                        List.of());
            }
        }
        if (certified.isEmpty()) {
            throw new IllegalArgumentException("no member certificates given");
        }
        VerificationReport base = LedgerVerifier.verify(dir, certified, 1, List.of(), pinned);
        if (!base.ok()) {
            return base;
        }
        List<Event> events = new ArrayList<>();
        SegmentScanner.Result scan = SegmentScanner.scan(dir, suiteCode(dir), (index, payload, seg, off) -> {
            try {
                events.add(EventCodec.decode(payload));
            } catch (MalformedEventException e) {
                throw new IllegalStateException("entry " + index + " changed while verifying");
            }
        });
        if (scan.problem() != null) {
            return fail(
                    base, "segments changed while verifying: " + scan.problem().detail());
        }
        List<String> notes = new ArrayList<>(base.notes());
        Membership membership = new Membership(caRoot);
        int applied = 0;
        int n = 0;
        List<SignedCheckpoint> records = new ArrayList<>();
        for (String text : CheckpointFile.read(dir.resolve(CheckpointFile.NAME)).notes()) {
            try {
                records.add(SignedCheckpoint.parse(text, 32));
            } catch (MalformedNoteException e) {
                return fail(base, "checkpoint record " + records.size() + ": " + e.getMessage());
            }
        }
        List<Integer> order = new ArrayList<>();
        for (int r = 0; r < records.size(); r++) {
            if (!LedgerVerifier.superseded(records, r)) {
                order.add(r);
            }
        }
        order.sort(Comparator.comparingLong(r -> records.get(r).checkpoint().size()));
        long covered = 0;
        String shortOfQuorum = null;
        int notFinal = 0;
        for (int r : order) {
            SignedCheckpoint cp = records.get(r);
            long size = cp.checkpoint().size();
            try {
                while (applied < size) {
                    membership.apply(events.get(applied), memberCertificates, null);
                    applied++;
                }
            } catch (MembershipException e) {
                return base.failedWith(
                        "entry " + applied + ": membership change refused: " + e.getMessage(), applied, null, notes);
            }
            try {
                membership.checkQuorum(cp, quorum);
            } catch (GeneralSecurityException e) {
                notFinal++;
                shortOfQuorum = "checkpoint record " + r + " (size " + size + "): " + e.getMessage()
                        + " (members admitted at that point: "
                        + membership.activeMembers().stream().map(Member::id).toList() + ")";
                continue;
            }
            covered = size;
            n++;
        }
        if (n == 0 && shortOfQuorum != null) {
            return fail(base, "no checkpoint is final: " + shortOfQuorum);
        }
        if (notFinal > 0) {
            notes.add(notFinal + " checkpoints lack a quorum of " + quorum
                    + " admitted members and are not final; last: " + shortOfQuorum);
        }
        notes.add(n + " checkpoints carry a quorum of " + quorum + " from members admitted on the ledger itself");
        return VerificationReport.passed(base.entries(), base.checkpoints(), covered, notes, base.contract());
    }

    private static int suiteCode(Path dir) throws IOException {
        List<Path> segs = SegmentScanner.segmentFiles(dir);
        return segs.isEmpty() ? 1 : LedgerVerifier.suiteOf(segs.get(0)).code();
    }

    private static VerificationReport fail(VerificationReport base, String why) {
        return base.failedWith(why, -1, CheckpointFile.NAME, base.notes());
    }
}
