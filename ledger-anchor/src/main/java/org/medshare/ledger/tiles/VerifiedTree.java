package org.medshare.ledger.tiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.InclusionProof;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.ProofBuilder;
import org.medshare.ledger.merkle.Range;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * The tree of one trusted checkpoint, read from a tiled log through {@link TileVerifier}. Every hash and entry it
 * returns is tied to the checkpoint's root:
 * <ul>
 *   <li>the right-most (partial) tile of each level is checked when the tree is opened: together they reproduce
 *       the root;</li>
 *   <li>a full tile at level {@code L}, index {@code N} is accepted only if the Merkle tree hash of its 256 hashes
 *       equals hash {@code N mod 256} of the (already accepted) tile {@code N / 256} at level {@code L + 1};</li>
 *   <li>an entry bundle is accepted only if it holds exactly the entries its width says, with nothing after them,
 *       and each entry's leaf hash ({@code H(0x00 || entry)}) equals its hash in the accepted level-0 tile.</li>
 * </ul>
 * Accepted tiles are kept in memory (8 KiB each for full tiles), so reading the whole tree reads each tile once.
 * Only the partial tiles of this checkpoint's size are fetched; once the log has grown and stopped serving them, a
 * tree of an old checkpoint can still read its full tiles but not its right edge: verify the log's latest
 * checkpoint for consistency instead ({@link TileVerifier#verifyConsistency}). Thread-safe if the fetcher is.
 */
public final class VerifiedTree {
    private final TreeHasher hasher;
    private final TileFetcher fetcher;
    private final SignedCheckpoint checkpoint;
    private final long size;
    private final byte[] root;
    private final int hashSize;
    private final Map<TilePath, byte[]> accepted = new ConcurrentHashMap<>();

    private VerifiedTree(TreeHasher hasher, TileFetcher fetcher, SignedCheckpoint checkpoint) {
        this.hasher = hasher;
        this.fetcher = fetcher;
        this.checkpoint = checkpoint;
        this.size = checkpoint.checkpoint().size();
        this.root = checkpoint.checkpoint().rootHash();
        this.hashSize = hasher.hashSize();
    }

    /** Fetches the partial tiles of {@code checkpoint}'s size and requires them to reproduce its root. */
    static VerifiedTree open(TreeHasher hasher, TileFetcher fetcher, SignedCheckpoint checkpoint)
            throws TileVerificationException, IOException {
        VerifiedTree tree = new VerifiedTree(hasher, fetcher, checkpoint);
        List<TilePath> edge = new ArrayList<>();
        for (int level = 0; TilePath.completeNodes(level, tree.size) > 0; level++) {
            TilePath t = TilePath.partialHashTile(level, tree.size);
            if (t != null) {
                edge.add(t);
            }
        }
        List<byte[]> subtrees = new ArrayList<>();
        List<byte[]> tiles = new ArrayList<>();
        for (int i = edge.size() - 1; i >= 0; i--) {
            byte[] tile = tree.fetchHashTile(edge.get(i));
            tiles.add(tile);
            int offset = 0;
            for (int k = TilePath.HEIGHT - 1; k >= 0; k--) {
                if ((edge.get(i).width() & (1 << k)) != 0) {
                    subtrees.add(tree.perfectHash(tile, offset, 1 << k));
                    offset += 1 << k;
                }
            }
        }
        byte[] computed = hasher.emptyRoot();
        if (!subtrees.isEmpty()) {
            computed = subtrees.get(subtrees.size() - 1);
            for (int i = subtrees.size() - 2; i >= 0; i--) {
                computed = hasher.hashChildren(subtrees.get(i), computed);
            }
        }
        if (!MessageDigest.isEqual(computed, tree.root)) {
            throw new TileVerificationException("tiles " + edge + " do not reproduce the root of checkpoint size "
                    + tree.size + ": expected " + hex(tree.root) + ", computed " + hex(computed));
        }
        for (int i = 0; i < edge.size(); i++) {
            tree.accepted.put(edge.get(edge.size() - 1 - i), tiles.get(i));
        }
        return tree;
    }

    /** The trusted checkpoint. */
    public SignedCheckpoint checkpoint() {
        return checkpoint;
    }

    /** The number of entries. */
    public long size() {
        return size;
    }

    /** The trusted root. */
    public byte[] root() {
        return root.clone();
    }

    /**
     * MTH of entries {@code [index * 2^level, (index + 1) * 2^level)}, read from the accepted tiles.
     *
     * @throws IllegalArgumentException unless that subtree is complete in this tree
     * @throws TileVerificationException if a tile needed is refuted by the checkpoint
     * @throws IOException if a tile could not be fetched
     */
    public byte[] nodeHash(int level, long index) throws TileVerificationException, IOException {
        long complete = level < 0 || level >= Long.SIZE - 1 ? 0 : size >>> level;
        if (index < 0 || index >= complete) {
            throw new IllegalArgumentException(
                    "node (" + level + ", " + index + ") is not a complete subtree of size " + size);
        }
        int tileLevel = level / TilePath.HEIGHT;
        int height = level % TilePath.HEIGHT;
        long first = index << height;
        byte[] tile = hashTile(tileLevel, first / TilePath.WIDTH);
        return perfectHash(tile, (int) (first % TilePath.WIDTH), 1 << height);
    }

    /**
     * The entries of bundle {@code bundleIndex} ({@code tile/entries/<N>}), each checked against its leaf hash.
     *
     * @throws IllegalArgumentException unless the bundle holds at least one entry of this tree
     * @throws TileVerificationException if the bundle is malformed or an entry is not the one the tree commits to
     * @throws IOException if the bundle or a tile could not be fetched
     */
    public List<byte[]> entryBundle(long bundleIndex) throws TileVerificationException, IOException {
        long full = size / TilePath.WIDTH;
        int width = (int) (size % TilePath.WIDTH);
        if (bundleIndex < 0 || bundleIndex > full || (bundleIndex == full && width == 0)) {
            throw new IllegalArgumentException("entry bundle " + bundleIndex + " is beyond size " + size);
        }
        TilePath path = TilePath.entryBundle(bundleIndex, bundleIndex < full ? TilePath.WIDTH : width);
        List<byte[]> entries = parseBundle(path, fetch(path));
        byte[] leaves = hashTile(0, bundleIndex);
        for (int i = 0; i < entries.size(); i++) {
            byte[] leaf = hasher.hashLeaf(entries.get(i));
            if (!MessageDigest.isEqual(leaf, slice(leaves, i))) {
                throw new TileVerificationException(path + ": entry " + (bundleIndex * TilePath.WIDTH + i)
                        + " does not hash to its leaf in " + TilePath.hashTile(0, bundleIndex, entries.size()));
            }
        }
        return entries;
    }

    /**
     * The canonical bytes of entry {@code index}, read from its entry bundle, checked against its leaf hash, and
     * proven included in the checkpoint's root by an RFC 9162 inclusion proof built from the tiles.
     *
     * @throws IllegalArgumentException unless {@code 0 <= index < size()}
     * @throws TileVerificationException if the bundle, a tile or the proof is refuted by the checkpoint
     * @throws IOException if a resource could not be fetched
     */
    public byte[] entry(long index) throws TileVerificationException, IOException {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("entry " + index + " is beyond size " + size);
        }
        byte[] entry = entryBundle(index / TilePath.WIDTH).get((int) (index % TilePath.WIDTH));
        InclusionProof proof = inclusionProof(index);
        try {
            MerkleProofs.verifyInclusion(hasher, index, size, hasher.hashLeaf(entry), proof.hashes(), root);
        } catch (InvalidProofException e) {
            throw new TileVerificationException("entry " + index + " is not included in checkpoint size " + size, e);
        }
        return entry.clone();
    }

    /**
     * The RFC 9162 inclusion proof (§2.1.3) of entry {@code index} in this tree, assembled from accepted tiles.
     *
     * @throws IllegalArgumentException unless {@code 0 <= index < size()}
     */
    public InclusionProof inclusionProof(long index) throws TileVerificationException, IOException {
        List<byte[]> path = hashes(ProofBuilder.inclusion(index, size));
        return new InclusionProof(index, size, nodeHash(0, index), path);
    }

    /** The hashes MTH(D[begin:end]) of {@code ranges}, assembled from perfect subtrees read from accepted tiles. */
    List<byte[]> hashes(List<Range> ranges) throws TileVerificationException, IOException {
        List<byte[]> out = new ArrayList<>(ranges.size());
        for (Range r : ranges) {
            out.add(rangeHash(r.begin(), r.end()));
        }
        return out;
    }

    private byte[] rangeHash(long begin, long end) throws TileVerificationException, IOException {
        long n = end - begin;
        if (Long.bitCount(n) == 1 && begin % n == 0) {
            return nodeHash(Long.numberOfTrailingZeros(n), begin / n);
        }
        long k = Long.highestOneBit(n - 1);
        return hasher.hashChildren(rangeHash(begin, begin + k), rangeHash(begin + k, end));
    }

    /** The accepted hash tile {@code index} at {@code tileLevel}; fetched and checked against its parent once. */
    private byte[] hashTile(int tileLevel, long index) throws TileVerificationException, IOException {
        long complete = TilePath.completeNodes(tileLevel, size);
        long full = complete / TilePath.WIDTH;
        if (index >= full) {
            TilePath edge = TilePath.partialHashTile(tileLevel, size);
            if (edge == null || index != edge.index()) {
                throw new IllegalStateException("tile " + index + " at level " + tileLevel + " is beyond size " + size);
            }
            return accepted.get(edge);
        }
        TilePath path = TilePath.hashTile(tileLevel, index, TilePath.WIDTH);
        byte[] tile = accepted.get(path);
        if (tile != null) {
            return tile;
        }
        tile = fetchHashTile(path);
        byte[] expected = nodeHash(TilePath.HEIGHT * (tileLevel + 1), index);
        byte[] computed = perfectHash(tile, 0, TilePath.WIDTH);
        if (!MessageDigest.isEqual(expected, computed)) {
            throw new TileVerificationException(path + " does not hash to its entry in the level " + (tileLevel + 1)
                    + " tile: expected " + hex(expected) + ", computed " + hex(computed));
        }
        accepted.put(path, tile);
        return tile;
    }

    private byte[] fetchHashTile(TilePath path) throws TileVerificationException, IOException {
        byte[] tile = fetch(path);
        if (tile.length != path.width() * hashSize) {
            throw new TileVerificationException(
                    path + " is " + tile.length + " bytes, not " + path.width() + " hashes of " + hashSize);
        }
        return tile;
    }

    private byte[] fetch(TilePath path) throws IOException {
        try {
            return fetcher.fetch(path.toString());
        } catch (FileNotFoundException e) {
            throw new FileNotFoundException(path + " is not served: " + e.getMessage());
        }
    }

    /** MTH of the {@code count} (a power of two) hashes of {@code tile} starting at {@code offset}. */
    private byte[] perfectHash(byte[] tile, int offset, int count) {
        if (count == 1) {
            return slice(tile, offset);
        }
        int half = count / 2;
        return hasher.hashChildren(perfectHash(tile, offset, half), perfectHash(tile, offset + half, half));
    }

    private byte[] slice(byte[] tile, int i) {
        byte[] h = new byte[hashSize];
        System.arraycopy(tile, i * hashSize, h, 0, hashSize);
        return h;
    }

    /** Splits a bundle into exactly {@code path.width()} entries, each behind a big-endian {@code u16} length. */
    private static List<byte[]> parseBundle(TilePath path, byte[] bundle) throws TileVerificationException {
        List<byte[]> entries = new ArrayList<>(path.width());
        int off = 0;
        while (off < bundle.length) {
            if (entries.size() == path.width()) {
                throw new TileVerificationException(
                        path + " has " + (bundle.length - off) + " bytes after its " + path.width() + " entries");
            }
            if (bundle.length - off < 2) {
                throw new TileVerificationException(path + " ends inside an entry length");
            }
            int len = ((bundle[off] & 0xff) << 8) | (bundle[off + 1] & 0xff);
            off += 2;
            if (bundle.length - off < len) {
                throw new TileVerificationException(path + " ends inside entry " + entries.size());
            }
            byte[] e = new byte[len];
            System.arraycopy(bundle, off, e, 0, len);
            entries.add(e);
            off += len;
        }
        if (entries.size() != path.width()) {
            throw new TileVerificationException(path + " has " + entries.size() + " entries, not " + path.width());
        }
        return entries;
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
