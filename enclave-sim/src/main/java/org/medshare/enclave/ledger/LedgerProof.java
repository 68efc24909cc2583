package org.medshare.enclave.ledger;

import java.util.ArrayList;
import java.util.List;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * What a host hands an enclave to show that one event is on the ledger: the entry as stored (its canonical event
 * encoding), its index, the RFC 9162 §2.1.3 inclusion proof for a tree of {@code treeSize} entries, and the signed
 * checkpoint (C2SP signed note) for that size with its members' signatures. Nothing in it is trusted until {@link
 * LedgerTrust#verifiedEntry} checked it.
 *
 * <p>Encoding v1: u8 1, bytes entry, i64 index, i64 treeSize, i32 n, n × bytes hash, utf8 checkpoint.
 */
public record LedgerProof(byte[] entry, long index, long treeSize, List<byte[]> inclusionPath, String checkpoint) {
    /** More hashes than any tree of 2^63 entries needs. */
    private static final int MAX_PATH = 64;

    public LedgerProof {
        entry = entry.clone();
        inclusionPath = inclusionPath.stream().map(byte[]::clone).toList();
    }

    @Override
    public byte[] entry() {
        return entry.clone();
    }

    @Override
    public List<byte[]> inclusionPath() {
        return inclusionPath.stream().map(byte[]::clone).toList();
    }

    public byte[] toBytes() {
        WireWriter w =
                new WireWriter().u8(1).bytes(entry).i64(index).i64(treeSize).i32(inclusionPath.size());
        inclusionPath.forEach(w::bytes);
        return w.utf8(checkpoint).toByteArray();
    }

    public static LedgerProof parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "ledger proof");
        byte[] entry = r.bytes();
        long index = r.i64();
        long treeSize = r.i64();
        int n = r.i32();
        if (n < 0 || n > MAX_PATH) {
            throw new MalformedEncodingException("an inclusion proof has 0.." + MAX_PATH + " hashes, not " + n);
        }
        List<byte[]> path = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            path.add(r.bytes());
        }
        return r.end(new LedgerProof(entry, index, treeSize, path, r.utf8()));
    }
}
