package org.medshare.ledger.tiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * Serves one log at one signed checkpoint as C2SP tlog-tiles resources: {@code checkpoint} (the signed note),
 * hash tiles {@code tile/<L>/<N>[.p/<W>]} and entry bundles {@code tile/entries/<N>[.p/<W>]}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>Only what the checkpoint's size {@code s} determines exists. A full tile at level {@code L} is served once
 *       its 256 hashes are complete ({@code 256 * (N + 1) <= floor(s / 256^L)}); of the right-most, incomplete
 *       tile only the partial form {@code .p/W} with {@code W = floor(s / 256^L) mod 256} is served; every other
 *       path, and any tile beyond {@code s}, is not found. Entry bundles follow level 0.</li>
 *   <li>Every served byte is a pure function of the checkpoint's tree: answers never change, so they may be cached
 *       forever (except {@code checkpoint}, which a newer {@code LogTiles} replaces).</li>
 *   <li>The checkpoint's root is the log's root at its size (checked when built), so every tile served reproduces
 *       it.</li>
 * </ul>
 * Hashes are the log's own {@link TreeHasher} ({@code nist}: SHA-256 as the specification says; {@code gm}: SM3,
 * also 32 bytes). An entry is its canonical encoding behind a big-endian {@code u16} length, so an entry longer than
 * {@value #MAX_ENTRY_BYTES} bytes cannot be put in a bundle: reading its bundle fails with an {@link IOException}.
 *
 * <p>Stateless apart from the fixed log view and checkpoint; thread-safe if the {@link TiledLog} is.
 */
public final class LogTiles {
    /** The longest entry an entry bundle can carry (its length is a {@code u16}). */
    public static final int MAX_ENTRY_BYTES = 0xffff;

    private final TiledLog log;
    private final SignedCheckpoint checkpoint;
    private final long size;
    private final int hashSize;

    private LogTiles(TiledLog log, SignedCheckpoint checkpoint) {
        this.log = log;
        this.checkpoint = checkpoint;
        this.size = checkpoint.checkpoint().size();
        this.hashSize = log.hasher().hashSize();
    }

    /**
     * Serves {@code log} as it was at {@code checkpoint}. The checkpoint's signatures are not checked here (it is
     * the log's own); its size and root are.
     *
     * @throws IllegalArgumentException if the checkpoint is larger than the log or its root is not the log's root at
     *     its size
     */
    public static LogTiles at(TiledLog log, SignedCheckpoint checkpoint) {
        long s = checkpoint.checkpoint().size();
        if (s > log.size()) {
            throw new IllegalArgumentException("checkpoint size " + s + " exceeds the log's size " + log.size());
        }
        TreeHasher hasher = log.hasher();
        if (!MessageDigest.isEqual(
                MerkleProofs.root(hasher, log::node, s), checkpoint.checkpoint().rootHash())) {
            throw new IllegalArgumentException("checkpoint root is not the log's root at size " + s);
        }
        return new LogTiles(log, checkpoint);
    }

    /** The checkpoint served. */
    public SignedCheckpoint checkpoint() {
        return checkpoint;
    }

    /** The tree size every tile is cut at. */
    public long size() {
        return size;
    }

    /**
     * The resource at {@code path} ({@value TilePath#CHECKPOINT} or a tile path), or empty if this log does not
     * serve it at this size.
     *
     * @throws MalformedTilePathException if {@code path} is neither
     * @throws IOException if an entry cannot be read, or is too long for a bundle
     */
    public Optional<byte[]> read(String path) throws MalformedTilePathException, IOException {
        if (path.equals(TilePath.CHECKPOINT)) {
            return Optional.of(checkpoint.format().getBytes(StandardCharsets.UTF_8));
        }
        return read(TilePath.parse(path));
    }

    /**
     * The bytes of {@code tile}: {@code W} concatenated hashes, or {@code W} entries each behind its {@code u16}
     * big-endian length; empty if {@code tile} does not exist at this size.
     *
     * @throws IOException if an entry cannot be read, or is too long for a bundle
     */
    public Optional<byte[]> read(TilePath tile) throws IOException {
        if (!exists(tile)) {
            return Optional.empty();
        }
        long first = tile.index() * TilePath.WIDTH;
        int w = tile.width();
        if (!tile.isEntryBundle()) {
            int treeLevel = TilePath.HEIGHT * tile.level();
            byte[] out = new byte[w * hashSize];
            for (int i = 0; i < w; i++) {
                System.arraycopy(log.node(treeLevel, first + i), 0, out, i * hashSize, hashSize);
            }
            return Optional.of(out);
        }
        byte[][] entries = new byte[w][];
        int total = 0;
        for (int i = 0; i < w; i++) {
            entries[i] = log.entry(first + i);
            if (entries[i].length > MAX_ENTRY_BYTES) {
                throw new IOException("entry " + (first + i) + " is " + entries[i].length
                        + " bytes; an entry bundle carries at most " + MAX_ENTRY_BYTES);
            }
            total += 2 + entries[i].length;
        }
        byte[] out = new byte[total];
        int off = 0;
        for (byte[] e : entries) {
            out[off] = (byte) (e.length >>> 8);
            out[off + 1] = (byte) e.length;
            System.arraycopy(e, 0, out, off + 2, e.length);
            off += 2 + e.length;
        }
        return Optional.of(out);
    }

    /** True iff {@code tile} exists at this size (see the class guarantees). */
    public boolean exists(TilePath tile) {
        long complete = TilePath.completeNodes(tile.level(), size);
        long full = complete / TilePath.WIDTH;
        return tile.isPartial()
                ? tile.index() == full && tile.width() == complete % TilePath.WIDTH
                : tile.index() < full;
    }

    /**
     * This log as a {@link TileFetcher}, for clients in the same process: a malformed path or a resource not served
     * is a {@link FileNotFoundException}.
     */
    public TileFetcher fetcher() {
        return path -> {
            try {
                return read(path).orElseThrow(() -> new FileNotFoundException(path + " is not served at size " + size));
            } catch (MalformedTilePathException e) {
                throw new FileNotFoundException(e.getMessage());
            }
        };
    }
}
