package org.medshare.ledger.merkle;

/**
 * The hashing of an RFC 9162 Merkle tree (§2.1.1), and nothing else.
 *
 * <p>Leaves are hashed as {@code H(0x00 || data)} and interior nodes as {@code H(0x01 || left || right)};
 * the two prefixes are the domain separation that stops a leaf from being passed off as a node
 * (second-preimage resistance of the tree). Implementations are stateless and thread-safe.
 */
public interface TreeHasher {
    /** RFC 9162 §2.1.1: prefix of a leaf hash input. */
    byte LEAF_PREFIX = 0x00;
    /** RFC 9162 §2.1.1: prefix of an interior-node hash input. */
    byte NODE_PREFIX = 0x01;

    /** Output length of the hash in bytes. */
    int hashSize();

    /** MTH({}) = HASH(), the root of the empty tree. */
    byte[] emptyRoot();

    /** MTH({d}) = HASH(0x00 || d). */
    byte[] hashLeaf(byte[] data);

    /** HASH(0x01 || left || right); both arguments must be {@link #hashSize()} bytes long. */
    byte[] hashChildren(byte[] left, byte[] right);

    /** A short name for diagnostics, e.g. {@code "sha-256"}. */
    String name();

    /** SHA-256 (the {@code nist} suite; the hash RFC 9162 and the published vectors use). */
    static TreeHasher sha256() {
        return DigestTreeHasher.SHA256;
    }

    /** SM3 (GB/T 32905, the {@code gm} suite), computed with BouncyCastle. */
    static TreeHasher sm3() {
        return DigestTreeHasher.SM3;
    }
}
