package org.medshare.ledger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.merkle.TreeHasher;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentScanner;
import org.medshare.ledger.storage.SegmentStore;
import org.medshare.ledger.storage.TamperDetectedException;

/**
 * Opens the files of a ledger directory for an {@link AuditLog}, checking everything stored against
 * what was signed.
 *
 * <p>Guarantees: {@link #recover} returns only if every stored checkpoint parses, verifies with a
 * trusted key, names this log's origin, and its root equals the root recomputed from the entries;
 * and if every segment byte up to the largest checkpoint is intact. A torn tail beyond that
 * checkpoint is dropped. On any refusal nothing is
 * changed and no file is left open. The caller holds the directory lock.
 */
final class LedgerRecovery {
    private LedgerRecovery() {}

    /** The opened state of a ledger directory; the caller owns (and must close) both files. */
    record Recovered(
            HashStore tree, SegmentStore segments, CheckpointFile checkpointFile, List<SignedCheckpoint> checkpoints) {}

    /**
     * Scans and checks {@code dir} and opens its files for appending.
     *
     * @throws TamperDetectedException if stored data disagrees with what was signed
     * @throws IOException on I/O failure
     */
    static Recovered recover(Path dir, AuditLogConfig config) throws IOException, TamperDetectedException {
        TreeHasher hasher = config.suite().treeHasher();
        Path cpPath = dir.resolve(CheckpointFile.NAME);
        CheckpointFile.Contents cps = CheckpointFile.read(cpPath);
        if (cps.problem() != null && !cps.tornTail()) {
            throw new TamperDetectedException(CheckpointFile.NAME, -1, cps.problem());
        }
        List<SignedCheckpoint> checkpoints = new ArrayList<>();
        long trustedSize = 0;
        for (String note : cps.notes()) {
            SignedCheckpoint sc;
            try {
                sc = SignedCheckpoint.parse(note, hasher.hashSize());
                sc.verify(config.trustedKeys());
            } catch (MalformedNoteException | GeneralSecurityException e) {
                throw new TamperDetectedException(
                        CheckpointFile.NAME,
                        -1,
                        "checkpoint record " + checkpoints.size() + " rejected: " + e.getMessage());
            }
            if (!sc.checkpoint().origin().equals(config.origin())) {
                throw new TamperDetectedException(
                        CheckpointFile.NAME,
                        -1,
                        "checkpoint origin '" + sc.checkpoint().origin() + "' is not this log's origin '"
                                + config.origin() + "'");
            }
            // witnessed checkpoints may be recorded after larger ones this log signed itself: each
            // record's root is checked against the entries below, so order carries no trust
            trustedSize = Math.max(trustedSize, sc.checkpoint().size());
            CheckpointStore.insertBySize(checkpoints, sc);
        }
        if (!Files.exists(cpPath) && !SegmentScanner.segmentFiles(dir).isEmpty()) {
            throw new TamperDetectedException(CheckpointFile.NAME, -1, "checkpoint file missing but segments exist");
        }

        HashStore tree = new HashStore(hasher);
        long[][] offsets = {new long[1024]};
        SegmentScanner.Result scan = SegmentScanner.scan(dir, config.suite().code(), (index, payload, seg, off) -> {
            tree.appendData(payload);
            if (index >= offsets[0].length) {
                offsets[0] = Arrays.copyOf(offsets[0], (int) Math.max(index + 1, offsets[0].length * 2L));
            }
            offsets[0][(int) index] = off;
        });
        SegmentScanner.Problem p = scan.problem();
        if (p != null && (!p.tornTail() || p.entryIndex() < trustedSize)) {
            throw new TamperDetectedException(
                    p.segment(),
                    p.entryIndex(),
                    p.detail()
                            + (p.entryIndex() < trustedSize
                                    ? " (covered by signed checkpoint of size " + trustedSize + ")"
                                    : ""));
        }
        if (scan.entryCount() < trustedSize) {
            throw new TamperDetectedException(
                    lastName(scan),
                    scan.entryCount(),
                    "missing: the last signed checkpoint covers " + trustedSize + " entries, only " + scan.entryCount()
                            + " are present");
        }
        verifyRoots(checkpoints, tree, scan);

        SegmentStore store = SegmentStore.open(dir, config.suite().code(), config.segmentBytes(), scan, offsets[0]);
        try {
            CheckpointFile cpFile = CheckpointFile.openForAppend(cpPath, cps.validBytes());
            return new Recovered(tree, store, cpFile, checkpoints);
        } catch (IOException | RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void verifyRoots(List<SignedCheckpoint> checkpoints, HashStore tree, SegmentScanner.Result scan)
            throws TamperDetectedException {
        long previous = 0;
        for (SignedCheckpoint sc : checkpoints) {
            Checkpoint cp = sc.checkpoint();
            byte[] root = tree.root(cp.size());
            if (!MessageDigest.isEqual(root, cp.rootHash())) {
                long first = previous;
                String seg = segmentHolding(scan, first);
                throw new TamperDetectedException(
                        seg,
                        first,
                        "entries [" + first + ", " + cp.size()
                                + ") do not match the signed checkpoint of size " + cp.size()
                                + " (the first changed entry is in this range)");
            }
            previous = cp.size();
        }
    }

    private static String segmentHolding(SegmentScanner.Result scan, long index) {
        for (SegmentScanner.SegmentInfo s : scan.segments()) {
            if (index >= s.firstIndex() && index < s.firstIndex() + s.entryCount()) {
                return s.name();
            }
        }
        return lastName(scan);
    }

    private static String lastName(SegmentScanner.Result scan) {
        return scan.segments().isEmpty()
                ? null
                : scan.segments().get(scan.segments().size() - 1).name();
    }
}
