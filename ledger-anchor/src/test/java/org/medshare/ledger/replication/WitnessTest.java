package org.medshare.ledger.replication;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.LedgerSuite;
import org.medshare.ledger.checkpoint.SignedCheckpoint;

class WitnessTest {
    static final String ORIGIN = "medshare.test/ledger";

    MemberKey leaderKey;
    MemberKey witnessKey;
    MemberDirectory directory;
    InMemoryMemberLog leaderLog;
    InMemoryMemberLog witnessLog;
    Witness witness;

    @BeforeEach
    void setUp() throws Exception {
        leaderKey = MemberKey.generate("leader");
        witnessKey = MemberKey.generate("witness");
        directory = new MemberDirectory(Map.of("leader", leaderKey.verifier(), "witness", witnessKey.verifier()));
        leaderLog = new InMemoryMemberLog();
        witnessLog = new InMemoryMemberLog();
        witness = new Witness(witnessKey, directory, witnessLog, ORIGIN);
    }

    static List<byte[]> entries(String prefix, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add((prefix + i).getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    void appendBoth(List<byte[]> entries) {
        leaderLog.append(entries);
        witnessLog.append(entries);
    }

    Proposal propose(MemberLog log, long fromSize, MemberKey signer) throws Exception {
        long size = log.size();
        TreeHead head = new TreeHead(ORIGIN, size, log.root(size));
        List<byte[]> proof = fromSize == 0 || fromSize == size ? List.of() : log.consistencyProof(fromSize, size);
        return new Proposal(head, fromSize, proof, signer.memberId(), signer.sign(head.signedBytes()));
    }

    @Test
    void rfc6962ReferenceRoot() {
        // the 8-leaf test tree of RFC 6962's reference implementation (certificate-transparency test data)
        List<String> leaves = List.of(
                "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f");
        InMemoryMemberLog log = new InMemoryMemberLog();
        log.append(leaves.stream().map(h -> HexFormat.of().parseHex(h)).toList());
        assertEquals(
                "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
                HexFormat.of().formatHex(log.root(8)));
        assertEquals(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                HexFormat.of().formatHex(log.root(0)));
    }

    @Test
    void consistencyProofsVerifyAndMutationsFail() {
        InMemoryMemberLog log = new InMemoryMemberLog();
        log.append(entries("e", 0, 40));
        for (int n = 1; n <= 40; n++) {
            for (int m = 1; m <= n; m++) {
                List<byte[]> proof = log.consistencyProof(m, n);
                byte[] r1 = log.root(m);
                byte[] r2 = log.root(n);
                assertTrue(TreeVerifier.sha256().consistent(m, n, r1, r2, proof), m + "->" + n);
                if (m == n) {
                    continue;
                }
                for (int i = 0; i < proof.size(); i++) {
                    List<byte[]> flipped = new ArrayList<>(proof);
                    byte[] h = flipped.get(i).clone();
                    h[i % 32] ^= 0x08;
                    flipped.set(i, h);
                    assertFalse(
                            TreeVerifier.sha256().consistent(m, n, r1, r2, flipped),
                            "modified-proof[" + i + "]-bit-3 " + m + "->" + n);
                }
                List<byte[]> extra = new ArrayList<>(proof);
                extra.add(new byte[32]);
                assertFalse(TreeVerifier.sha256().consistent(m, n, r1, r2, extra), "trailing-garbage " + m + "->" + n);
                if (!proof.isEmpty()) {
                    assertFalse(
                            TreeVerifier.sha256().consistent(m, n, r1, r2, proof.subList(0, proof.size() - 1)),
                            "truncated " + m + "->" + n);
                }
                // a wrong size must fail whenever it changes the proof's shape (where it does not, the
                // RFC 9162 algorithm cannot tell the sizes apart, e.g. 1->3 and 1->4)
                if (n < 40 && log.consistencyProof(m, n + 1).size() != proof.size()) {
                    assertFalse(
                            TreeVerifier.sha256().consistent(m, n + 1, r1, r2, proof), "wrong-size2 " + m + "->" + n);
                }
                if (m > 1 && log.consistencyProof(m - 1, n).size() != proof.size()) {
                    assertFalse(
                            TreeVerifier.sha256().consistent(m - 1, n, r1, r2, proof), "wrong-size1 " + m + "->" + n);
                }
                assertFalse(TreeVerifier.sha256().consistent(m, n, r2, r1, proof), "swapped-roots " + m + "->" + n);
            }
        }
    }

    @Test
    void honestCheckpointsAreCosignedInSequence() throws Exception {
        appendBoth(entries("a", 0, 5));
        Cosignature first = witness.cosign(propose(leaderLog, 0, leaderKey));
        assertTrue(first.verify(directory));
        assertEquals(5, witness.lastCosigned().size());
        appendBoth(entries("a", 5, 13));
        Cosignature second = witness.cosign(propose(leaderLog, 5, leaderKey));
        assertEquals(13, second.head().size());
        assertArrayEquals(leaderLog.root(13), witness.lastCosigned().root());
        // same checkpoint again: consistency from itself (empty proof) is accepted
        witness.cosign(propose(leaderLog, 13, leaderKey));
    }

    @Test
    void sm2MembersCosignIntoAQuorumSignedNote() throws Exception {
        MemberKey a = MemberKey.generate("member-a", LedgerSuite.GM);
        MemberKey b = MemberKey.generate("member-b", LedgerSuite.GM);
        MemberDirectory gm = new MemberDirectory(Map.of("member-a", a.verifier(), "member-b", b.verifier()));
        InMemoryMemberLog log = new InMemoryMemberLog();
        log.append(entries("s", 0, 9));
        Proposal p = propose(log, 0, a);
        Cosignature ca = new Witness(a, gm, log, ORIGIN).cosign(p);
        Cosignature cb = new Witness(b, gm, log, ORIGIN).cosign(p);
        SignedCheckpoint note = new FinalCheckpoint(p.head(), List.of(ca, cb)).toSignedCheckpoint(gm);
        assertEquals(2, note.verifyQuorum(gm.verifiers(), 2).size());
        assertEquals("SM2", gm.verifiers().iterator().next().algorithm());
        assertThrows(
                IllegalArgumentException.class,
                () -> new MemberDirectory(Map.of("member-a", b.verifier())),
                "key named after another member");
    }

    @Test
    void forgedConsistencyProofIsRefused() throws Exception {
        appendBoth(entries("a", 0, 6));
        witness.cosign(propose(leaderLog, 0, leaderKey));
        appendBoth(entries("a", 6, 11));
        Proposal honest = propose(leaderLog, 6, leaderKey);
        List<byte[]> forged = new ArrayList<>(honest.consistencyProof());
        byte[] h = forged.get(0);
        h[0] ^= 1;
        forged.set(0, h);
        Proposal lying = new Proposal(honest.head(), 6, forged, "leader", honest.proposerSignature());
        WitnessRefusedException e = assertThrows(WitnessRefusedException.class, () -> witness.cosign(lying));
        assertEquals(WitnessRefusedException.Reason.INCONSISTENT, e.reason());
        assertEquals(6, witness.lastCosigned().size(), "a refusal changes nothing");
        witness.cosign(honest);
        assertEquals(11, witness.lastCosigned().size());
    }

    @Test
    void leaderThatRewritesHistoryIsRefused() throws Exception {
        appendBoth(entries("a", 0, 8));
        witness.cosign(propose(leaderLog, 0, leaderKey));
        // the leader rebuilds its log with entry 3 changed, appends more, and proves consistency
        // from size 8 within its rewritten tree, signing the result with its genuine key
        InMemoryMemberLog rewritten = new InMemoryMemberLog();
        List<byte[]> history = entries("a", 0, 8);
        history.set(3, "a3-altered".getBytes(StandardCharsets.UTF_8));
        rewritten.append(history);
        rewritten.append(entries("a", 8, 12));
        witnessLog.append(entries("a", 8, 12));
        WitnessRefusedException e =
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(propose(rewritten, 8, leaderKey)));
        assertEquals(WitnessRefusedException.Reason.INCONSISTENT, e.reason());
        assertEquals(8, witness.lastCosigned().size());
    }

    @Test
    void otherRefusals() throws Exception {
        appendBoth(entries("a", 0, 4));
        Proposal honest = propose(leaderLog, 0, leaderKey);

        MemberKey stranger = MemberKey.generate("stranger");
        assertEquals(
                WitnessRefusedException.Reason.UNKNOWN_PROPOSER,
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(propose(leaderLog, 0, stranger)))
                        .reason());
        Proposal badSignature = new Proposal(
                honest.head(),
                0,
                List.of(),
                "leader",
                witnessKey.sign(honest.head().signedBytes()));
        assertEquals(
                WitnessRefusedException.Reason.BAD_PROPOSER_SIGNATURE,
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(badSignature))
                        .reason());
        TreeHead otherOrigin = new TreeHead("other/log", 4, leaderLog.root(4));
        assertEquals(
                WitnessRefusedException.Reason.WRONG_ORIGIN,
                assertThrows(
                                WitnessRefusedException.class,
                                () -> witness.cosign(new Proposal(
                                        otherOrigin,
                                        0,
                                        List.of(),
                                        "leader",
                                        leaderKey.sign(otherOrigin.signedBytes()))))
                        .reason());

        witness.cosign(honest);
        assertEquals(
                WitnessRefusedException.Reason.NOT_FROM_LAST_COSIGNED,
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(propose(leaderLog, 2, leaderKey)))
                        .reason());

        leaderLog.append(entries("a", 4, 9)); // the witness has not applied these yet
        assertEquals(
                WitnessRefusedException.Reason.AHEAD_OF_OWN_LOG,
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(propose(leaderLog, 4, leaderKey)))
                        .reason());
        witnessLog.append(entries("b", 4, 9)); // the witness applied different entries
        assertEquals(
                WitnessRefusedException.Reason.DIFFERS_FROM_OWN_LOG,
                assertThrows(WitnessRefusedException.class, () -> witness.cosign(propose(leaderLog, 4, leaderKey)))
                        .reason());
        assertEquals(4, witness.lastCosigned().size());
    }

    @Test
    void messagesRoundTripAndRefuseMalformedBytes() throws Exception {
        appendBoth(entries("a", 0, 7));
        witness.cosign(propose(leaderLog, 0, leaderKey));
        appendBoth(entries("a", 7, 9));
        Proposal p = propose(leaderLog, 7, leaderKey);
        Proposal parsed = ReplicationMessage.parsePropose(ReplicationMessage.propose(p));
        assertEquals(p.head(), parsed.head());
        assertEquals(p.fromSize(), parsed.fromSize());
        assertEquals(p.consistencyProof().size(), parsed.consistencyProof().size());
        witness.cosign(parsed);

        List<byte[]> batch = entries("x", 0, 3);
        List<byte[]> back = ReplicationMessage.parseBatch(ReplicationMessage.batch(batch));
        for (int i = 0; i < batch.size(); i++) {
            assertArrayEquals(batch.get(i), back.get(i));
        }
        byte[] wire = ReplicationMessage.batch(batch);
        byte[] trailing = Arrays.copyOf(wire, wire.length + 1);
        assertThrows(IllegalArgumentException.class, () -> ReplicationMessage.parseBatch(trailing));
        byte[] truncated = Arrays.copyOf(wire, wire.length - 1);
        assertThrows(RuntimeException.class, () -> ReplicationMessage.parseBatch(truncated));
        assertThrows(IllegalArgumentException.class, () -> ReplicationMessage.parsePropose(wire));
        assertThrows(IllegalArgumentException.class, () -> ReplicationMessage.batch(List.of()));
    }
}
