package org.medshare.enclave.keyrelease;

import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * What the service appends to the ledger as a {@code KEY_ISSUED} event when the key authority
 * releases a key: ids and hashes only, never key material. A value object; enclave-sim has no
 * ledger dependency. {@link #toBytes()} is the canonical encoding whose SHA-256 ({@link #hash()})
 * the authority signs and the wrapped key authenticates.
 *
 * <p>Encoding v1: u8 1, utf8 eventType "KEY_ISSUED", utf8 queryId, 32 queryHash, 32
 * approvalHash, u32 n + n × utf8 attribute (sorted), 32 requester MRENCLAVE, 32 requester
 * MRSIGNER, u16 requester SVN, 32 quoteHash, 32 authority MRENCLAVE, i64 issuedAt (Unix ms), 32
 * wrappedKeyHash. The queryHash is the approval's {@link QueryApproval#contentHash() content hash}.
 */
public record KeyReleaseRecord(
        String queryId,
        byte[] queryHash,
        byte[] approvalHash,
        Set<String> attributes,
        byte[] requesterMrenclave,
        byte[] requesterMrsigner,
        int requesterSvn,
        byte[] quoteHash,
        byte[] authorityMrenclave,
        Instant issuedAt,
        byte[] wrappedKeyHash) {
    public static final String EVENT_TYPE = "KEY_ISSUED";

    public KeyReleaseRecord {
        queryHash = queryHash.clone();
        approvalHash = approvalHash.clone();
        attributes = Collections.unmodifiableSet(new TreeSet<>(attributes));
        requesterMrenclave = requesterMrenclave.clone();
        requesterMrsigner = requesterMrsigner.clone();
        quoteHash = quoteHash.clone();
        authorityMrenclave = authorityMrenclave.clone();
        issuedAt = Instant.ofEpochMilli(issuedAt.toEpochMilli());
        wrappedKeyHash = wrappedKeyHash.clone();
    }

    public String eventType() {
        return EVENT_TYPE;
    }

    public byte[] toBytes() {
        WireWriter w = new WireWriter()
                .u8(1)
                .utf8(EVENT_TYPE)
                .utf8(queryId)
                .fixed(queryHash)
                .fixed(approvalHash)
                .i32(attributes.size());
        attributes.forEach(w::utf8);
        return w.fixed(requesterMrenclave)
                .fixed(requesterMrsigner)
                .u16(requesterSvn)
                .fixed(quoteHash)
                .fixed(authorityMrenclave)
                .i64(issuedAt.toEpochMilli())
                .fixed(wrappedKeyHash)
                .toByteArray();
    }

    public static KeyReleaseRecord parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = new WireReader(bytes);
        if (r.u8() != 1 || !EVENT_TYPE.equals(r.utf8())) {
            throw new MalformedEncodingException("not a version-1 KEY_ISSUED record");
        }
        String q = r.utf8();
        byte[] qh = r.fixed(32);
        byte[] ah = r.fixed(32);
        Set<String> attrs = UserKeyGrant.readAttributes(r, r.i32());
        return r.end(new KeyReleaseRecord(
                q,
                qh,
                ah,
                attrs,
                r.fixed(32),
                r.fixed(32),
                r.u16(),
                r.fixed(32),
                r.fixed(32),
                Instant.ofEpochMilli(r.i64()),
                r.fixed(32)));
    }

    public byte[] hash() {
        return Sha256.hash(toBytes());
    }

    @Override
    public String toString() {
        return "KeyReleaseRecord{KEY_ISSUED, queryId=" + queryId + ", attributes=" + attributes + ", requester="
                + Hex.of(requesterMrenclave) + ", issuedAt=" + issuedAt + "}";
    }
}
