package org.medshare.enclave;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.QueryApproval;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.ledger.LedgerTrust;

/**
 * A ledger for enclave tests, written from the published formats rather than with the ledger library (which the
 * enclave does not depend on): canonical version 1 events, an RFC 9162 SHA-256 tree, and C2SP signed-note
 * checkpoints signed by some of its Ed25519 members. A ledger of one member signs as the embedded log does (plain
 * signed-note signatures, key type 0x01); the members of a larger one cosign as the consortium's nodes do (C2SP
 * tlog-cosignature v1: key type 0x04, a timestamp before each signature and in the signed message). The service's
 * tests check the same enclave code against the real ledger.
 */
public final class TestLedger {
    public static final String ORIGIN = "test.example/ledger";

    private final List<KeyPair> members = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<byte[]> entries = new ArrayList<>();

    /** A ledger whose checkpoints {@code members} Ed25519 keys may sign. */
    public TestLedger(int members) {
        try {
            for (int i = 0; i < members; i++) {
                this.members.add(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
                this.names.add("member-" + i);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 missing from the JDK", e);
        }
    }

    /** Trust in every member's key with this quorum. */
    public LedgerTrust trust(int quorum) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < members.size(); i++) {
            lines.add(verifierLine(i));
        }
        return LedgerTrust.of(ORIGIN, "nist", quorum, lines);
    }

    /** The key authority's ledger settings for {@link #trust(int)}. */
    public Map<String, String> authoritySettings(int quorum) {
        LedgerTrust t = trust(quorum);
        return Map.of(
                KeyAuthority.LEDGER_ORIGIN, t.origin(),
                KeyAuthority.LEDGER_SUITE, t.suite(),
                KeyAuthority.LEDGER_QUORUM, Integer.toString(quorum),
                KeyAuthority.LEDGER_KEYS, String.join(" ", t.keyLines()));
    }

    /** Appends an entry; returns its index. */
    public synchronized long append(byte[] entry) {
        entries.add(entry.clone());
        return entries.size() - 1;
    }

    /** Appends the approval's QUERY_APPROVED and proves it under a checkpoint every member signed. */
    public LedgerProof logApproval(QueryApproval approval) throws GeneralSecurityException {
        return proof(append(queryApproved(approval.queryId())), members.size());
    }

    /** Appends the grant's KEY_ISSUED and proves it under a checkpoint every member signed. */
    public LedgerProof logGrant(UserKeyGrant grant) throws GeneralSecurityException {
        return proof(append(keyIssued(Hex.of(grant.hash()), grant.subject())), members.size());
    }

    /** A QUERY_APPROVED event in the canonical encoding. */
    public static byte[] queryApproved(String queryId) {
        return event(4, List.of("regulator-nhc", queryId), new byte[32]);
    }

    /** A KEY_ISSUED event in the canonical encoding. */
    public static byte[] keyIssued(String keyId, String recipient) {
        return event(8, List.of("key-authority", keyId, recipient), new byte[32]);
    }

    /** An EPOCH_RAISED event in the canonical encoding: the regulator raised the epoch {@code from} to {@code to}. */
    public static byte[] epochRaised(String from, String to) {
        return event(20, List.of("regulator-nhc", from, to), new byte[0]);
    }

    /** Appends an EPOCH_RAISED event and proves it under a checkpoint every member signed. */
    public LedgerProof logRaise(String from, String to) throws GeneralSecurityException {
        return proof(append(epochRaised(from, to)), members.size());
    }

    private static byte[] event(int type, List<String> ids, byte[] hash) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        out.write(type);
        out.writeBytes(
                ByteBuffer.allocate(8).putLong(System.currentTimeMillis()).array());
        for (String id : ids) {
            byte[] b = id.getBytes(StandardCharsets.US_ASCII);
            out.write(b.length);
            out.writeBytes(b);
        }
        out.writeBytes(hash);
        return out.toByteArray();
    }

    /** A proof of entry {@code index} under a checkpoint of the current size signed by the first {@code signers}. */
    public synchronized LedgerProof proof(long index, int signers) throws GeneralSecurityException {
        int size = entries.size();
        byte[] root = mth(0, size);
        String text = ORIGIN + "\n" + size + "\n" + Base64.getEncoder().encodeToString(root) + "\n";
        StringBuilder note = new StringBuilder(text).append('\n');
        for (int i = 0; i < signers; i++) {
            long timestamp = System.currentTimeMillis() / 1000;
            String signed = cosigners() ? "cosignature/v1\ntime " + timestamp + "\n" + text : text;
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(members.get(i).getPrivate());
            s.update(signed.getBytes(StandardCharsets.UTF_8));
            byte[] sig = s.sign();
            ByteBuffer line =
                    ByteBuffer.allocate(4 + (cosigners() ? 8 : 0) + sig.length).putInt(keyId(i));
            if (cosigners()) {
                line.putLong(timestamp);
            }
            byte[] blob = line.put(sig).array();
            note.append("\u2014 ")
                    .append(names.get(i))
                    .append(' ')
                    .append(Base64.getEncoder().encodeToString(blob))
                    .append('\n');
        }
        return new LedgerProof(entries.get((int) index), index, size, path((int) index, 0, size), note.toString());
    }

    private String verifierLine(int i) {
        return names.get(i) + "+" + String.format("%08x", keyId(i)) + "+"
                + Base64.getEncoder().encodeToString(typed(i));
    }

    private byte[] typed(int i) {
        byte[] spki = members.get(i).getPublic().getEncoded();
        byte[] out = new byte[33];
        out[0] = (byte) (cosigners() ? 0x04 : 0x01);
        System.arraycopy(spki, spki.length - 32, out, 1, 32);
        return out;
    }

    private boolean cosigners() {
        return members.size() > 1;
    }

    private int keyId(int i) {
        byte[] h = Sha256.hash(names.get(i).getBytes(StandardCharsets.UTF_8), new byte[] {0x0a}, typed(i));
        return new BigInteger(1, Arrays.copyOf(h, 4)).intValue();
    }

    /** RFC 9162 §2.1.1 MTH of entries [from, to). */
    private byte[] mth(int from, int to) {
        if (to - from == 1) {
            return Sha256.hash(new byte[] {0}, entries.get(from));
        }
        if (to == from) {
            return Sha256.hash();
        }
        int k = Integer.highestOneBit(to - from - 1);
        return Sha256.hash(new byte[] {1}, mth(from, from + k), mth(from + k, to));
    }

    /** RFC 9162 §2.1.3.1 PATH(m, D[from:to]). */
    private List<byte[]> path(int m, int from, int to) {
        List<byte[]> out = new ArrayList<>();
        if (to - from <= 1) {
            return out;
        }
        int k = Integer.highestOneBit(to - from - 1);
        if (m < k) {
            out.addAll(path(m, from, from + k));
            out.add(mth(from + k, to));
        } else {
            out.addAll(path(m - k, from + k, to));
            out.add(mth(from, from + k));
        }
        return out;
    }
}
