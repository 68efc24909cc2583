package org.medshare.ledger.replication;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;

/**
 * One member acting as a transparency-log witness (C2SP tlog-witness model):
 * it cosigns a proposed checkpoint only if
 * <ol>
 *   <li>the proposer is a member and signed the checkpoint;</li>
 *   <li>the checkpoint is for this log's origin and does not shrink the tree;</li>
 *   <li>the RFC 9162 &sect;2.1.4.2 consistency proof verifies (in the log's hash
 *       suite, {@link MemberLog#verifier()}) from the last
 *       checkpoint this witness cosigned to the proposed one (so a leader that
 *       rewrites history, or forges a proof, is refused);</li>
 *   <li>and, since every member also holds the log, the root equals the root
 *       of its own copy at that size.</li>
 * </ol>
 * Checks 3 and 4 are independent: 3 is what a witness without the data relies on.
 * A refusal leaves the witness unchanged. Thread-safe.
 */
public final class Witness {
    private final MemberKey key;
    private final MemberDirectory directory;
    private final MemberLog log;
    private final TreeVerifier verifier;
    private TreeHead lastCosigned;

    /**
     * @param key       this member's key
     * @param directory every member's public key
     * @param log       this member's copy of the log
     * @param origin    the log's origin line; the witness starts from the empty tree
     */
    public Witness(MemberKey key, MemberDirectory directory, MemberLog log, String origin) {
        this.key = Objects.requireNonNull(key, "key");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.log = Objects.requireNonNull(log, "log");
        this.verifier = log.verifier();
        this.lastCosigned = new TreeHead(origin, 0, verifier.emptyRoot());
    }

    /** @return the last checkpoint this witness cosigned (the empty tree at first) */
    public synchronized TreeHead lastCosigned() {
        return lastCosigned;
    }

    /**
     * Checks {@code proposal} as described above and cosigns it.
     *
     * @throws WitnessRefusedException naming the first check that failed; nothing changed
     * @throws GeneralSecurityException if this member's key cannot sign
     */
    public synchronized Cosignature cosign(Proposal proposal) throws WitnessRefusedException, GeneralSecurityException {
        TreeHead head = proposal.head();
        if (!directory.contains(proposal.proposerId())) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.UNKNOWN_PROPOSER,
                    "proposer " + proposal.proposerId() + " is not a member");
        }
        if (!directory.verify(proposal.proposerId(), head.signedBytes(), proposal.proposerSignature())) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.BAD_PROPOSER_SIGNATURE,
                    "signature of " + proposal.proposerId() + " on checkpoint size " + head.size() + " is invalid");
        }
        if (!head.origin().equals(lastCosigned.origin())) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.WRONG_ORIGIN, "checkpoint is for " + head.origin());
        }
        if (proposal.fromSize() != lastCosigned.size() || head.size() < lastCosigned.size()) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.NOT_FROM_LAST_COSIGNED,
                    "proof from size " + proposal.fromSize() + " to " + head.size() + ", last cosigned size is "
                            + lastCosigned.size());
        }
        if (!verifier.consistent(
                lastCosigned.size(), head.size(), lastCosigned.root(), head.root(), proposal.consistencyProof())) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.INCONSISTENT,
                    "consistency proof from size " + lastCosigned.size() + " to " + head.size() + " does not verify");
        }
        if (head.size() > log.size()) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.AHEAD_OF_OWN_LOG,
                    "checkpoint size " + head.size() + " but this member holds " + log.size() + " entries");
        }
        if (!Arrays.equals(head.root(), log.root(head.size()))) {
            throw new WitnessRefusedException(
                    WitnessRefusedException.Reason.DIFFERS_FROM_OWN_LOG,
                    "root at size " + head.size() + " differs from this member's log");
        }
        Cosignature cosignature = new Cosignature(key.memberId(), head, key.sign(head.signedBytes()));
        lastCosigned = head;
        return cosignature;
    }
}
