/**
 * RFC 9162 Merkle tree: {@link org.medshare.ledger.merkle.TreeHasher} (the only place hashing
 * happens, with the 0x00/0x01 domain-separation prefixes of §2.1.1; SHA-256 or SM3),
 * {@link org.medshare.ledger.merkle.ProofBuilder} (which subtrees a proof needs, §2.1.3.1, §2.1.4.1),
 * {@link org.medshare.ledger.merkle.HashStore} (where node hashes live), and
 * {@link org.medshare.ledger.merkle.MerkleProofs} (pure verification, §2.1.3.2, §2.1.4.2, failing
 * with a typed {@link org.medshare.ledger.merkle.InvalidProofException}).
 */
package org.medshare.ledger.merkle;
