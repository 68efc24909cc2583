package org.medshare.ledger.verify;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.anchor.ChainAnchor;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.merkle.HashStore;
import org.medshare.ledger.storage.CheckpointFile;
import org.medshare.ledger.storage.SegmentScanner;

/**
 * Checks a ledger directory against the anchors an external EVM chain holds for it, trusting the chain
 * and nothing in the directory but its entries:
 * <ol>
 *   <li>every anchor of the log's origin on the {@code CheckpointAnchor} contract (read from the chain's
 *       {@code Anchored} events) covers no more entries than the log has, and its root equals the RFC 9162
 *       root recomputed from the log's first {@code size} entries;</li>
 *   <li>every ANCHORED entry names this chain and contract, and the transaction it names holds exactly
 *       that anchor (size, root, block) on the chain.</li>
 * </ol>
 * So a log whose entries were rewritten and whose checkpoints were deleted and signed again after an
 * anchor fails here although its signatures verify. Run {@link LedgerVerifier} first for the bytes,
 * signatures and roots of the directory itself; the origin is taken from its latest checkpoint.
 * Reads files and the chain, writes nothing.
 */
public final class AnchorVerifier {
    private AnchorVerifier() {}

    /**
     * The outcome.
     *
     * @param ok            true iff every check passed
     * @param failure       one line naming the anchor or entry to blame, or null when ok
     * @param anchors       anchors of the log's origin found on the chain
     * @param anchorEntries ANCHORED entries found in the log
     * @param latestSize    the largest anchored size (0 if none)
     */
    public record Report(boolean ok, String failure, int anchors, int anchorEntries, long latestSize) {
        /** One line for a terminal. */
        public String summary() {
            return ok
                    ? "anchors OK: " + anchors + " anchors on the chain match the log's roots (latest size "
                            + latestSize + "), " + anchorEntries + " ANCHORED entries found in their transactions"
                    : "FAILED: " + failure;
        }
    }

    /**
     * @param dir      the ledger directory
     * @param chain    a connection to the chain
     * @param contract the {@code CheckpointAnchor} contract's address
     * @throws IOException if the directory or the chain cannot be read
     */
    public static Report verify(Path dir, AnchorChain chain, EvmAddress contract) throws IOException {
        List<Path> segments = SegmentScanner.segmentFiles(dir);
        LedgerSuite suite = segments.isEmpty() ? LedgerSuite.NIST : LedgerVerifier.suiteOf(segments.get(0));
        String origin = origin(dir, suite);
        if (origin == null) {
            return fail("the ledger has no checkpoint naming its origin, so no anchor can be looked up");
        }
        HashStore tree = new HashStore(suite.treeHasher());
        List<Long> anchorIndices = new ArrayList<>();
        List<Event> anchorEvents = new ArrayList<>();
        String[] undecodable = {null};
        SegmentScanner.Result scan = SegmentScanner.scan(dir, suite.code(), (index, payload, seg, off) -> {
            tree.appendData(payload);
            if (payload.length > 1 && (payload[1] & 0xff) == EventType.ANCHORED.code()) {
                try {
                    anchorEvents.add(EventCodec.decode(payload));
                    anchorIndices.add(index);
                } catch (MalformedEventException e) {
                    undecodable[0] = "entry " + index + ": not a canonical event: " + e.getMessage();
                }
            }
        });
        if (scan.problem() != null) {
            return fail("entry " + scan.problem().entryIndex() + " (segment "
                    + scan.problem().segment() + "): " + scan.problem().detail());
        }
        if (undecodable[0] != null) {
            return fail(undecodable[0]);
        }
        long entries = scan.entryCount();
        long chainId = chain.chainId();
        List<ChainAnchor> anchors = chain.anchors(contract, origin);
        if (anchors.isEmpty()) {
            return fail(
                    "contract " + contract + " on chain " + chainId + " holds no anchor of origin '" + origin + "'");
        }
        long latest = 0;
        for (ChainAnchor a : anchors) {
            if (a.size() > entries) {
                return fail(a + ": anchored size " + a.size() + " but the log has only " + entries
                        + " entries (entries were removed)");
            }
            byte[] root = tree.root(a.size());
            if (!MessageDigest.isEqual(root, a.root())) {
                return fail(a + ": anchored root " + hex(a.root()) + " is not the log's root " + hex(root)
                        + " at that size (entries before " + a.size() + " were rewritten)");
            }
            latest = Math.max(latest, a.size());
        }
        for (int i = 0; i < anchorEvents.size(); i++) {
            Event e = anchorEvents.get(i);
            long index = anchorIndices.get(i);
            String tx = hex(e.hash(Field.TX_HASH));
            if (e.amount(Field.CHAIN_ID) != chainId || !e.id(Field.CONTRACT).equals(contract.toString())) {
                return fail("entry " + index + ": ANCHORED names chain " + e.amount(Field.CHAIN_ID) + " contract "
                        + e.id(Field.CONTRACT) + ", not chain " + chainId + " contract " + contract);
            }
            boolean held = chain.anchorsInTransaction(contract, e.hash(Field.TX_HASH)).stream()
                    .anyMatch(a -> a.origin().equals(origin) && a.isRecordedBy(e));
            if (!held) {
                return fail("entry " + index + ": ANCHORED points at transaction " + tx + " (block "
                        + e.amount(Field.BLOCK_NUMBER) + ", size " + e.amount(Field.TREE_SIZE)
                        + "), which does not hold that anchor on chain " + chainId);
            }
        }
        return new Report(true, null, anchors.size(), anchorEvents.size(), latest);
    }

    private static String origin(Path dir, LedgerSuite suite) throws IOException {
        CheckpointFile.Contents contents = CheckpointFile.read(dir.resolve(CheckpointFile.NAME));
        List<String> notes = contents.notes();
        if (notes.isEmpty()) {
            return null;
        }
        try {
            return SignedCheckpoint.parse(
                            notes.get(notes.size() - 1), suite.treeHasher().hashSize())
                    .checkpoint()
                    .origin();
        } catch (MalformedNoteException e) {
            return null;
        }
    }

    private static String hex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    private static Report fail(String why) {
        return new Report(false, why, 0, 0, 0);
    }
}
