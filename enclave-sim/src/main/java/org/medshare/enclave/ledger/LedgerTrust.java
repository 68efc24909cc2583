package org.medshare.enclave.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.medshare.enclave.Sha256;

/**
 * Which ledger checkpoints an enclave accepts as final: those of the log named {@code origin}, signed by at least
 * {@code quorum} distinct keys among the members' checkpoint keys. With the consortium these are the organisations'
 * node keys and the consortium's quorum; with the embedded ledger, the one log key of the service. Immutable.
 *
 * <p>{@link #verifiedEvent} is the whole check an enclave makes before it acts on a logged event: the checkpoint's
 * origin, size and root, the quorum of valid signatures over its text (C2SP signed-note), the entry's RFC 9162
 * §2.1.3.2 inclusion under that root, and the entry's decoding.
 */
public final class LedgerTrust {
    private static final String DASH = "\u2014 ";
    private static final Pattern SIZE = Pattern.compile("0|[1-9][0-9]{0,18}");

    private final String origin;
    private final String suite;
    private final int quorum;
    private final List<CheckpointKey> keys;

    private LedgerTrust(String origin, String suite, int quorum, List<CheckpointKey> keys) {
        this.origin = origin;
        this.suite = suite;
        this.quorum = quorum;
        this.keys = keys;
    }

    /**
     * @param origin        the log's checkpoint origin line
     * @param suite         {@code nist} (SHA-256 tree) or {@code gm} (SM3 tree)
     * @param quorum        how many distinct member keys must sign a checkpoint; 1..number of keys
     * @param verifierLines the members' signed-note verifier keys ({@code <name>+<key id>+<base64>})
     * @throws IllegalArgumentException if a key does not parse, two keys share a name, or the quorum is out of range
     */
    public static LedgerTrust of(String origin, String suite, int quorum, List<String> verifierLines) {
        if (origin == null || origin.isBlank() || origin.contains("\n")) {
            throw new IllegalArgumentException("the ledger origin must be one non-empty line");
        }
        if (!suite.equals("nist") && !suite.equals("gm")) {
            throw new IllegalArgumentException("the ledger suite is nist or gm, not '" + suite + "'");
        }
        List<CheckpointKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String line : verifierLines) {
            CheckpointKey k = CheckpointKey.parse(line);
            if (!names.add(k.name())) {
                throw new IllegalArgumentException("two checkpoint keys are named " + k.name());
            }
            keys.add(k);
        }
        if (quorum < 1 || quorum > keys.size()) {
            throw new IllegalArgumentException(
                    "the checkpoint quorum must be 1.." + keys.size() + " (the number of keys), not " + quorum);
        }
        return new LedgerTrust(origin, suite, quorum, List.copyOf(keys));
    }

    public String origin() {
        return origin;
    }

    public String suite() {
        return suite;
    }

    public int quorum() {
        return quorum;
    }

    /** The members' verifier key lines, in the order given. */
    public List<String> keyLines() {
        return keys.stream().map(CheckpointKey::line).toList();
    }

    /**
     * The event {@code proof} shows on the ledger, once every check passed.
     *
     * @throws LedgerProofException naming the first check that failed: the checkpoint's form or origin, its size
     *     against the proof's, too few valid signatures of trusted keys, the inclusion proof, or the entry's form
     */
    public LoggedEvent verifiedEvent(LedgerProof proof) throws LedgerProofException {
        String note = proof.checkpoint();
        int split = note.lastIndexOf("\n\n");
        if (!note.endsWith("\n") || split < 0) {
            throw new LedgerProofException("the checkpoint is not a signed note");
        }
        String text = note.substring(0, split + 1);
        byte[] root = checkpointRoot(text, proof.treeSize());
        int signers = validSigners(text.getBytes(StandardCharsets.UTF_8), note.substring(split + 2));
        if (signers < quorum) {
            throw new LedgerProofException("the checkpoint carries " + signers + " valid signature(s) of trusted "
                    + "members; finality needs " + quorum);
        }
        byte[] computed = rootFromInclusion(proof);
        if (!MessageDigest.isEqual(computed, root)) {
            throw new LedgerProofException("the inclusion proof does not lead to the checkpoint's root");
        }
        return EventDecoder.decode(proof.entry());
    }

    private byte[] checkpointRoot(String text, long treeSize) throws LedgerProofException {
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3 || !SIZE.matcher(lines[1]).matches()) {
            throw new LedgerProofException("the checkpoint lacks its origin, size and root lines");
        }
        if (!lines[0].equals(origin)) {
            throw new LedgerProofException("the checkpoint is of log '" + lines[0] + "', not '" + origin + "'");
        }
        if (Long.parseLong(lines[1]) != treeSize) {
            throw new LedgerProofException("the checkpoint is for " + lines[1] + " entries, the proof for " + treeSize);
        }
        try {
            byte[] root = Base64.getDecoder().decode(lines[2]);
            if (root.length == 32) {
                return root;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal below
        }
        throw new LedgerProofException("the checkpoint's root is not a base64 32-byte hash");
    }

    private int validSigners(byte[] text, String signatureLines) {
        Set<CheckpointKey> valid = new HashSet<>();
        for (String line : signatureLines.split("\n")) {
            if (!line.startsWith(DASH)) {
                continue;
            }
            String[] parts = line.substring(DASH.length()).split(" ", 2);
            if (parts.length != 2) {
                continue;
            }
            byte[] blob;
            try {
                blob = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (blob.length <= 4) {
                continue;
            }
            int id = ((blob[0] & 0xff) << 24) | ((blob[1] & 0xff) << 16) | ((blob[2] & 0xff) << 8) | (blob[3] & 0xff);
            byte[] signature = Arrays.copyOfRange(blob, 4, blob.length);
            for (CheckpointKey k : keys) {
                if (k.name().equals(parts[0]) && k.keyId() == id && k.verifies(text, signature)) {
                    valid.add(k);
                }
            }
        }
        return valid.size();
    }

    /** RFC 9162 §2.1.3.2: the root the inclusion path leads to from the entry's leaf hash. */
    private byte[] rootFromInclusion(LedgerProof proof) throws LedgerProofException {
        long index = proof.index();
        long size = proof.treeSize();
        if (index < 0 || index >= size) {
            throw new LedgerProofException("entry " + index + " is not in a tree of " + size + " entries");
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = hash(new byte[] {0}, proof.entry());
        for (byte[] p : proof.inclusionPath()) {
            if (sn == 0) {
                throw new LedgerProofException("the inclusion proof is longer than the tree is deep");
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = hash(new byte[] {1}, p, r);
                while ((fn & 1) == 0 && fn != 0) {
                    fn >>= 1;
                    sn >>= 1;
                }
            } else {
                r = hash(new byte[] {1}, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) {
            throw new LedgerProofException("the inclusion proof is shorter than the tree is deep");
        }
        return r;
    }

    private byte[] hash(byte[]... parts) {
        if (suite.equals("nist")) {
            return Sha256.hash(parts);
        }
        SM3Digest d = new SM3Digest();
        for (byte[] p : parts) {
            d.update(p, 0, p.length);
        }
        byte[] out = new byte[d.getDigestSize()];
        d.doFinal(out, 0);
        return out;
    }
}
