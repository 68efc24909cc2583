package org.medshare.ledger.tiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.medshare.ledger.checkpoint.MalformedNoteException;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignatureVerificationException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.merkle.InvalidProofException;
import org.medshare.ledger.merkle.MerkleProofs;
import org.medshare.ledger.merkle.ProofBuilder;
import org.medshare.ledger.merkle.TreeHasher;

/**
 * The client side of a tiled log (C2SP tlog-tiles): reads checkpoints, hash tiles and entry bundles through a
 * {@link TileFetcher} and trusts none of them until they are tied to a checkpoint signed by a trusted key.
 *
 * <p>Security guarantees: a {@link VerifiedTree} is returned only for a checkpoint whose origin is this log's, that
 * carries a valid signature from a trusted key (and no invalid one from a trusted key, per C2SP signed-note), and
 * whose root the right-most partial tiles of every level reproduce. {@link #verifyConsistency} additionally proves,
 * from the newer tree's tiles alone, that the older trusted tree is a prefix of it (RFC 9162 §2.1.4.2).
 * Every other hash or entry a {@code VerifiedTree} returns has been checked the same way.
 *
 * <p>Failures: {@link TileVerificationException} when the log served something its checkpoint refutes;
 * {@link IOException} when a resource could not be fetched (the caller may retry or ask another mirror).
 * Stateless; thread-safe if the fetcher is.
 */
public final class TileVerifier {
    private final String origin;
    private final TreeHasher hasher;
    private final List<NoteVerifier> trustedKeys;
    private final TileFetcher fetcher;

    /**
     * @param origin the log's checkpoint origin line
     * @param hasher the log's tree hasher (SHA-256 for {@code nist}, SM3 for {@code gm})
     * @param trustedKeys the keys whose signatures make a checkpoint trusted (at least one)
     * @param fetcher reads the log's resources by path relative to its prefix
     */
    public TileVerifier(String origin, TreeHasher hasher, Collection<NoteVerifier> trustedKeys, TileFetcher fetcher) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.trustedKeys = List.copyOf(trustedKeys);
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        if (this.trustedKeys.isEmpty()) {
            throw new IllegalArgumentException("at least one trusted key is required");
        }
    }

    /**
     * Fetches the log's current {@code checkpoint} and verifies it as {@link #verify}.
     *
     * @throws TileVerificationException if it is malformed or fails a check
     * @throws IOException if a resource could not be fetched
     */
    public VerifiedTree latest() throws TileVerificationException, IOException {
        byte[] note = fetcher.fetch(TilePath.CHECKPOINT);
        SignedCheckpoint cp;
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(note))
                    .toString();
            cp = SignedCheckpoint.parse(text, hasher.hashSize());
        } catch (CharacterCodingException e) {
            throw new TileVerificationException("checkpoint is not UTF-8");
        } catch (MalformedNoteException e) {
            throw new TileVerificationException("checkpoint is malformed", e);
        }
        return verify(cp);
    }

    /**
     * Verifies {@code checkpoint}'s origin and signatures, then recomputes its root from the right-most tile of
     * each level (C2SP tlog-tiles, "Partial Tiles") and refuses it unless the roots are equal.
     *
     * @throws TileVerificationException if the origin, a signature, a tile's length or the root is wrong
     * @throws IOException if a tile could not be fetched
     */
    public VerifiedTree verify(SignedCheckpoint checkpoint) throws TileVerificationException, IOException {
        checkSigned(checkpoint);
        return VerifiedTree.open(hasher, fetcher, checkpoint);
    }

    /**
     * Verifies {@code newer} as {@link #verify} and proves that the tree of the trusted {@code older} checkpoint
     * (same origin and keys; its tiles are not needed) is a prefix of it: the RFC 9162 consistency proof is read
     * from the newer tree's verified tiles and checked against both roots.
     *
     * @return the newer tree
     * @throws TileVerificationException if either checkpoint fails its checks, {@code newer} is smaller, or the
     *     trees are not consistent (the log was rewritten, or forked)
     * @throws IOException if a tile could not be fetched
     */
    public VerifiedTree verifyConsistency(SignedCheckpoint older, SignedCheckpoint newer)
            throws TileVerificationException, IOException {
        checkSigned(older);
        long size1 = older.checkpoint().size();
        long size2 = newer.checkpoint().size();
        if (size2 < size1) {
            throw new TileVerificationException(
                    "checkpoint size " + size2 + " is smaller than the trusted checkpoint size " + size1);
        }
        byte[] root1 = older.checkpoint().rootHash();
        if (size1 == 0 && !MessageDigest.isEqual(root1, hasher.emptyRoot())) {
            throw new TileVerificationException("trusted checkpoint of size 0 does not carry the empty root");
        }
        VerifiedTree tree = verify(newer);
        try {
            MerkleProofs.verifyConsistency(
                    hasher, size1, size2, root1, tree.root(), tree.hashes(ProofBuilder.consistency(size1, size2)));
        } catch (InvalidProofException e) {
            throw new TileVerificationException(
                    "checkpoint size " + size2 + " is not consistent with the trusted checkpoint size " + size1, e);
        }
        return tree;
    }

    private void checkSigned(SignedCheckpoint checkpoint) throws TileVerificationException {
        String o = checkpoint.checkpoint().origin();
        if (!o.equals(origin)) {
            throw new TileVerificationException("checkpoint size "
                    + checkpoint.checkpoint().size() + " is for origin '" + o + "', not '" + origin + "'");
        }
        if (checkpoint.checkpoint().rootHash().length != hasher.hashSize()) {
            throw new TileVerificationException("checkpoint root is not a " + hasher.name() + " hash");
        }
        try {
            checkpoint.verify(trustedKeys);
        } catch (SignatureVerificationException e) {
            throw new TileVerificationException(e.getMessage());
        }
    }
}
