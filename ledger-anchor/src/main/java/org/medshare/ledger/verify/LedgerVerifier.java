package org.medshare.ledger.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.DataUseRules;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.HospitalDisclosureLimits;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentFormat;
import org.medshare.ledger.storage.SegmentScanner;

/**
 * Offline verification of a ledger directory, trusting nothing but the given public keys.
 *
 * <p>Checks, in order, stopping at the first failure:
 * <ol>
 *   <li>every checkpoint record is intact, parses (C2SP tlog-checkpoint), every signature from a
 *       trusted key on it verifies and at least one does (C2SP signed-note), and all have one origin;
 *       a checkpoint is <em>final</em> with signatures (the members' cosignature lines) from at least
 *       {@code quorum} distinct trusted keys — one short of quorum is reported as not final, and at
 *       least one must be final, and a log with entries but no checkpoint fails;</li>
 *   <li>every byte of every segment: headers, frame checksums and indices (no torn tail is
 *       tolerated here — open the log once to recover after a crash);</li>
 *   <li>every entry decodes as a canonical version-1 event, and the log keeps the order rules of erasure
 *       ({@link ErasureOrder}), of the black list ({@link SuspensionOrder}: nothing acted by an organisation
 *       while it is suspended), of patient consents ({@link ConsentOrder}: versions rise, none after
 *       revocation), of attribute epochs ({@link EpochOrder}: each raise moves strictly forward from where the
 *       previous one ended) and of the hospitals' privacy budgets ({@link BudgetOrder}: every charge re-added per
 *       hospital and period stays within its limit, follows its query's approval, and every refund gives back an
 *       earlier charge of a query that was not computed);</li>
 *   <li>each checkpoint's root (final or not) equals the RFC 9162 root recomputed from the entries,
 *       and checkpoints consecutive in size are consistent (RFC 9162 §2.1.4 proof built and verified);</li>
 *   <li>every pinned checkpoint (one the caller saved earlier) carries a trusted signature, has the log's
 *       origin, and the log's entries reproduce its root at its size: a log that lost entries or was
 *       rewritten and re-signed since the pin fails, whatever its own checkpoints say;</li>
 *   <li>every ANCHORED entry records a size no larger than its own index and the root the entries
 *       give at that size (the chain itself is checked by {@link AnchorVerifier});</li>
 *   <li>for each requested entry, an inclusion proof (§2.1.3) against the latest final checkpoint
 *       verifies;</li>
 *   <li>the incentive contract re-executed from genesis on the embedded EVM ({@link ContractReplay}) accepts
 *       every CONTRACT_CALL, reproduces the state root recorded with each, and every PAYMENT is one of its
 *       payouts and every payout has its PAYMENT; the recomputed balances are in the report.</li>
 * </ol>
 * Pure library: reads files, writes nothing.
 */
public final class LedgerVerifier {
    private LedgerVerifier() {}

    /**
     * @param dir the ledger directory
     * @param trustedKeys the consortium members' checkpoint verification keys
     * @param quorum distinct trusted signatures required on every checkpoint (>= 1)
     * @param proveEntries entry indices whose inclusion in the latest checkpoint is proved and checked
     */
    public static VerificationReport verify(
            Path dir, Collection<NoteVerifier> trustedKeys, int quorum, List<Long> proveEntries) throws IOException {
        return verify(dir, trustedKeys, quorum, proveEntries, List.of());
    }

    /**
     * As {@link #verify(Path, Collection, int, List)}, and the log must also be consistent with every
     * checkpoint in {@code pinned}.
     */
    public static VerificationReport verify(
            Path dir,
            Collection<NoteVerifier> trustedKeys,
            int quorum,
            List<Long> proveEntries,
            List<PinnedCheckpoint> pinned)
            throws IOException {
        if (quorum < 1 || quorum > trustedKeys.size()) {
            throw new IllegalArgumentException(
                    "quorum must be between 1 and the number of keys (" + trustedKeys.size() + ")");
        }
        List<String> notes = new ArrayList<>();
        List<Path> segs = SegmentScanner.segmentFiles(dir);
        Path cpPath = dir.resolve(CheckpointFile.NAME);
        if (segs.isEmpty() && !Files.exists(cpPath)) {
            return VerificationReport.failed(
                    0, 0, 0, "no ledger in " + dir + " (no segments, no checkpoints)", -1, null, notes);
        }
        LedgerSuite suite;
        try {
            suite = segs.isEmpty() ? LedgerSuite.NIST : suiteOf(segs.get(0));
        } catch (IllegalArgumentException e) {
            return VerificationReport.failed(
                    0,
                    0,
                    0,
                    "entry 0 (segment " + segs.get(0).getFileName() + "): header: " + e.getMessage(),
                    0,
                    segs.get(0).getFileName().toString(),
                    notes);
        }
        TreeHasher hasher = suite.treeHasher();

        CheckpointFile.Contents contents = CheckpointFile.read(cpPath);
        if (contents.problem() != null) {
            return VerificationReport.failed(
                    0,
                    contents.notes().size(),
                    0,
                    CheckpointFile.NAME + ": " + contents.problem(),
                    -1,
                    CheckpointFile.NAME,
                    notes);
        }
        List<SignedCheckpoint> parsed = new ArrayList<>();
        for (String text : contents.notes()) {
            try {
                parsed.add(SignedCheckpoint.parse(text, hasher.hashSize()));
            } catch (MalformedNoteException e) {
                return VerificationReport.failed(
                        0,
                        parsed.size(),
                        0,
                        "checkpoint record " + parsed.size() + ": " + e.getMessage(),
                        -1,
                        CheckpointFile.NAME,
                        notes);
            }
        }
        List<SignedCheckpoint> cps = new ArrayList<>();
        List<Boolean> finality = new ArrayList<>();
        String origin = null;
        for (int n = 0; n < parsed.size(); n++) {
            SignedCheckpoint sc = parsed.get(n);
            List<NoteVerifier> signers;
            try {
                signers = sc.verify(trustedKeys);
            } catch (GeneralSecurityException e) {
                return VerificationReport.failed(
                        0, n, 0, "checkpoint record " + n + ": " + e.getMessage(), -1, CheckpointFile.NAME, notes);
            }
            if (superseded(parsed, n)) {
                // a later record carries the same checkpoint with more (co)signatures; the quorum is
                // judged on the latest record
                continue;
            }
            if (origin != null && !origin.equals(sc.checkpoint().origin())) {
                return VerificationReport.failed(
                        0,
                        n,
                        0,
                        "checkpoint record " + n + " has origin '"
                                + sc.checkpoint().origin() + "', earlier ones '" + origin + "'",
                        -1,
                        CheckpointFile.NAME,
                        notes);
            }
            origin = sc.checkpoint().origin();
            // ordered by size: a witnessed checkpoint may be recorded after larger ones the member signed
            int at = cps.size();
            while (at > 0
                    && cps.get(at - 1).checkpoint().size() > sc.checkpoint().size()) {
                at--;
            }
            cps.add(at, sc);
            finality.add(at, signers.size() >= quorum);
        }
        int finalCount = (int) finality.stream().filter(f -> f).count();
        if (!cps.isEmpty() && finalCount == 0) {
            SignedCheckpoint latest = cps.get(cps.size() - 1);
            String why;
            try {
                latest.verifyQuorum(trustedKeys, quorum);
                why = "";
            } catch (GeneralSecurityException e) {
                why = ": " + e.getMessage();
            }
            return VerificationReport.failed(
                    0,
                    cps.size(),
                    0,
                    "no checkpoint is final (none carries signatures from " + quorum + " trusted members)" + why,
                    -1,
                    CheckpointFile.NAME,
                    notes);
        }
        if (finalCount < cps.size()) {
            long largest = 0;
            for (int i = 0; i < cps.size(); i++) {
                if (!finality.get(i)) {
                    largest = Math.max(largest, cps.get(i).checkpoint().size());
                }
            }
            notes.add((cps.size() - finalCount) + " checkpoints carry fewer than " + quorum
                    + " member signatures and are not final (largest size " + largest
                    + "); their roots are checked too");
        }

        HashStore tree = new HashStore(hasher);
        String[] badEvent = {null};
        long[] badEventIndex = {-1};
        int[] badEventSeg = {-1};
        List<Long> contractEntries = new ArrayList<>();
        List<Event> contractEvents = new ArrayList<>();
        List<Long> anchorEntries = new ArrayList<>();
        List<Event> anchorEvents = new ArrayList<>();
        ErasureOrder erasures = new ErasureOrder();
        SuspensionOrder suspensions = new SuspensionOrder();
        ConsentOrder consents = new ConsentOrder();
        EpochOrder epochs = new EpochOrder();
        BudgetOrder budgets = new BudgetOrder();
        SegmentScanner.Result scan = SegmentScanner.scan(dir, suite.code(), (index, payload, seg, off) -> {
            tree.appendData(payload);
            if (badEvent[0] == null) {
                try {
                    Event event = EventCodec.decode(payload);
                    if (event.type() == EventType.DATA_USE_RULES_CHANGED) {
                        DataUseRules.decode(event.data(Field.RULES));
                    }
                    if (event.type() == EventType.DISCLOSURE_LIMITS_CHANGED) {
                        HospitalDisclosureLimits.decode(event.data(Field.LIMITS));
                    }
                    String orderProblem = erasures.accept(event);
                    if (orderProblem == null) {
                        orderProblem = suspensions.accept(event);
                    }
                    if (orderProblem == null) {
                        orderProblem = consents.accept(event);
                    }
                    if (orderProblem == null) {
                        orderProblem = epochs.accept(event);
                    }
                    if (orderProblem == null) {
                        orderProblem = budgets.accept(event);
                    }
                    if (orderProblem != null) {
                        badEvent[0] = orderProblem;
                        badEventIndex[0] = index;
                        badEventSeg[0] = seg;
                        return;
                    }
                    if (event.type() == EventType.CONTRACT_CALL || event.type() == EventType.PAYMENT) {
                        contractEntries.add(index);
                        contractEvents.add(event);
                    } else if (event.type() == EventType.ANCHORED) {
                        anchorEntries.add(index);
                        anchorEvents.add(event);
                    }
                } catch (MalformedEventException e) {
                    badEvent[0] = "not a canonical event: " + e.getMessage();
                    badEventIndex[0] = index;
                    badEventSeg[0] = seg;
                }
            }
        });
        if (scan.problem() != null) {
            SegmentScanner.Problem p = scan.problem();
            return VerificationReport.failed(
                    scan.entryCount(),
                    cps.size(),
                    0,
                    "entry " + p.entryIndex() + " (segment " + p.segment() + "): " + p.detail(),
                    p.entryIndex(),
                    p.segment(),
                    notes);
        }
        if (badEvent[0] != null) {
            String seg = scan.segments().get(badEventSeg[0]).name();
            return VerificationReport.failed(
                    scan.entryCount(),
                    cps.size(),
                    0,
                    "entry " + badEventIndex[0] + " (segment " + seg + "): " + badEvent[0],
                    badEventIndex[0],
                    seg,
                    notes);
        }
        long entries = scan.entryCount();
        if (cps.isEmpty() && entries > 0) {
            return VerificationReport.failed(
                    entries,
                    0,
                    0,
                    "no checkpoint covers the log's " + entries + " entries (" + CheckpointFile.NAME
                            + " is missing or empty), so nothing vouches for them",
                    -1,
                    CheckpointFile.NAME,
                    notes);
        }
        long previous = 0;
        byte[] previousRoot = hasher.emptyRoot();
        long covered = 0;
        byte[] coveredRoot = previousRoot;
        for (int i = 0; i < cps.size(); i++) {
            SignedCheckpoint sc = cps.get(i);
            long size = sc.checkpoint().size();
            if (size > entries) {
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        "entries [" + entries + ", " + size + ") signed by the checkpoint of size " + size
                                + " are missing from the segments",
                        entries,
                        lastSegment(scan),
                        notes);
            }
            byte[] root = tree.root(size);
            if (!MessageDigest.isEqual(root, sc.checkpoint().rootHash())) {
                String seg = segmentHolding(scan, previous);
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        "entries [" + previous + ", " + size + ") (from segment " + seg
                                + ") do not match the signed checkpoint of size " + size,
                        previous,
                        seg,
                        notes);
            }
            try {
                MerkleProofs.verifyConsistency(
                        hasher,
                        previous,
                        size,
                        previousRoot,
                        sc.checkpoint().rootHash(),
                        tree.consistencyProof(previous, size));
            } catch (InvalidProofException e) {
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        "checkpoints of size " + previous + " and " + size + " are not consistent: " + e.getMessage(),
                        -1,
                        CheckpointFile.NAME,
                        notes);
            }
            previous = size;
            previousRoot = sc.checkpoint().rootHash();
            if (finality.get(i)) {
                covered = size;
                coveredRoot = previousRoot;
            }
        }
        for (PinnedCheckpoint pin : pinned) {
            String problem = inconsistentPin(pin, tree, entries, origin, trustedKeys, hasher.hashSize());
            if (problem != null) {
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        "pinned checkpoint " + pin.name() + ": " + problem,
                        -1,
                        null,
                        notes);
            }
            notes.add("pinned checkpoint " + pin.name() + ": the log is consistent with it");
        }
        if (budgets.charges() > 0) {
            notes.add(
                    budgets.charges() + " BUDGET_CHARGED entries re-added per organisation and period: none exceeds its"
                            + " limit, every refund matches its charge");
        }
        if (entries > covered) {
            notes.add((entries - covered) + " entries after index " + (covered - 1)
                    + " are not yet covered by a final checkpoint (checksums verified only)");
        }
        for (int i = 0; i < anchorEvents.size(); i++) {
            long index = anchorEntries.get(i);
            long size = anchorEvents.get(i).amount(Field.TREE_SIZE);
            if (size > index
                    || !MessageDigest.isEqual(
                            tree.root(size), anchorEvents.get(i).hash(Field.TREE_ROOT))) {
                String seg = segmentHolding(scan, index);
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        "entry " + index + " (segment " + seg + "): ANCHORED root of size " + size
                                + " is not the log's root at that size",
                        index,
                        seg,
                        notes);
            }
        }
        if (!anchorEvents.isEmpty()) {
            notes.add(anchorEvents.size() + " ANCHORED entries: each anchored root is the log's root at its size"
                    + " (check the chain itself with --anchor-rpc and --anchor-contract)");
        }
        if (!proveEntries.isEmpty()) {
            if (covered == 0) {
                return VerificationReport.failed(
                        entries, 0, 0, "no final checkpoint to prove entries against", -1, CheckpointFile.NAME, notes);
            }
            for (long index : proveEntries) {
                if (index < 0 || index >= covered) {
                    return VerificationReport.failed(
                            entries,
                            cps.size(),
                            covered,
                            "entry " + index + " is not covered by the latest final checkpoint (size " + covered + ")",
                            index,
                            null,
                            notes);
                }
                try {
                    MerkleProofs.verifyInclusion(
                            hasher,
                            index,
                            covered,
                            tree.leafHash(index),
                            tree.inclusionProof(index, covered),
                            coveredRoot);
                } catch (InvalidProofException e) {
                    return VerificationReport.failed(
                            entries,
                            cps.size(),
                            covered,
                            "entry " + index + ": " + e.getMessage(),
                            index,
                            segmentHolding(scan, index),
                            notes);
                }
                notes.add("entry " + index + ": inclusion proof in checkpoint of size " + covered + " verified");
            }
        }
        try (ContractReplay replay = ContractReplay.forVerification()) {
            try {
                for (int i = 0; i < contractEvents.size(); i++) {
                    replay.accept(contractEntries.get(i), contractEvents.get(i));
                }
                replay.finish();
            } catch (ContractReplay.ReplayException e) {
                return VerificationReport.failed(
                        entries,
                        cps.size(),
                        covered,
                        e.getMessage() + " (segment " + segmentHolding(scan, e.entry()) + ")",
                        e.entry(),
                        segmentHolding(scan, e.entry()),
                        notes);
            }
            if (!replay.deployed()) {
                notes.add("no incentive contract on this ledger (no CONTRACT_CALL entries)");
                return VerificationReport.passed(entries, cps.size(), covered, notes, null);
            }
            notes.add("incentive contract re-executed from genesis: " + replay.calls() + " calls, " + replay.payments()
                    + " payments matched, every recorded state root reproduced");
            return VerificationReport.passed(
                    entries, cps.size(), covered, notes, VerificationReport.Contract.of(replay));
        }
    }

    /** Why the log (its {@code entries} in {@code tree}) is not consistent with {@code pin}, or null when it is. */
    private static String inconsistentPin(
            PinnedCheckpoint pin,
            HashStore tree,
            long entries,
            String origin,
            Collection<NoteVerifier> trustedKeys,
            int hashSize) {
        SignedCheckpoint sc;
        try {
            sc = SignedCheckpoint.parse(pin.note(), hashSize);
            sc.verify(trustedKeys);
        } catch (MalformedNoteException | GeneralSecurityException e) {
            return e.getMessage();
        }
        long size = sc.checkpoint().size();
        if (!sc.checkpoint().origin().equals(origin)) {
            return "its origin '" + sc.checkpoint().origin() + "' is not the log's '" + origin + "'";
        }
        if (size > entries) {
            return "it signs " + size + " entries but the log holds only " + entries + " (entries were removed)";
        }
        if (!MessageDigest.isEqual(tree.root(size), sc.checkpoint().rootHash())) {
            return "the log's first " + size + " entries do not reproduce its root (the log was rewritten since)";
        }
        return null;
    }

    /** Whether a later record carries the same checkpoint (a cosigned version replaces the original). */
    static boolean superseded(List<SignedCheckpoint> records, int i) {
        for (int j = i + 1; j < records.size(); j++) {
            if (records.get(j).checkpoint().equals(records.get(i).checkpoint())) {
                return true;
            }
        }
        return false;
    }

    /** The suite recorded in a segment header (byte 9); its CRC is checked by the scan. */
    static LedgerSuite suiteOf(Path segment) throws IOException {
        byte[] head = new byte[SegmentFormat.HEADER_SIZE];
        try (var in = Files.newInputStream(segment)) {
            if (in.readNBytes(head, 0, head.length) < head.length) {
                throw new IllegalArgumentException("segment header truncated");
            }
        }
        return LedgerSuite.fromCode(head[9] & 0xff);
    }

    private static String segmentHolding(SegmentScanner.Result scan, long index) {
        for (SegmentScanner.SegmentInfo s : scan.segments()) {
            if (index >= s.firstIndex() && index < s.firstIndex() + s.entryCount()) {
                return s.name();
            }
        }
        return lastSegment(scan);
    }

    private static String lastSegment(SegmentScanner.Result scan) {
        return scan.segments().isEmpty()
                ? null
                : scan.segments().get(scan.segments().size() - 1).name();
    }
}
