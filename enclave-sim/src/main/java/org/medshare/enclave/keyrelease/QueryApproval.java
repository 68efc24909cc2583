package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import org.medshare.abe.Attribute;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * A regulator's signed statement that it read a query (its template and the insurer's request, bound by their
 * {@link org.medshare.enclave.compute.ApprovedQuery#contentHash content hash}) and approves it, so that it may use
 * ABE keys for the listed purpose attributes until {@code notAfter}. The regulator signs it on its own side with
 * its own Ed25519 key (RFC 8032), one of the approval keys the key authority's measured configuration lists; the
 * service relays it and holds no such key.
 *
 * <p>Encoding v2: u8 2, utf8 queryId, 32 contentHash, u32 n + n × utf8 attribute (sorted), i64 notAfter (Unix
 * ms), bytes approver SPKI, bytes signature over "medshare.query-approval.v2" ‖ everything before the signature.
 * Version 1 (which bound a hash the service computed over its own governance inputs) is refused.
 */
public final class QueryApproval {
    private static final String DOMAIN = "medshare.query-approval.v2";
    private static final int VERSION = 2;

    private final String queryId;
    private final byte[] contentHash;
    private final Set<String> purposeAttributes;
    private final Instant notAfter;
    private final byte[] approverSpki;
    private final byte[] signature;

    private QueryApproval(
            String queryId,
            byte[] contentHash,
            Set<String> attrs,
            Instant notAfter,
            byte[] approverSpki,
            byte[] signature) {
        this.queryId = queryId;
        this.contentHash = contentHash;
        this.purposeAttributes = Collections.unmodifiableSet(new TreeSet<>(attrs));
        this.notAfter = notAfter;
        this.approverSpki = approverSpki;
        this.signature = signature;
    }

    /**
     * Signs an approval.
     *
     * @param contentHash the {@link org.medshare.enclave.compute.ApprovedQuery#contentHash} of the template and
     *     request the approver read
     * @throws IllegalArgumentException for an empty or malformed query id or attribute set, or a content hash that
     *     is not 32 bytes
     */
    public static QueryApproval sign(
            String queryId, byte[] contentHash, Set<String> purposeAttributes, Instant notAfter, KeyPair approver)
            throws GeneralSecurityException {
        validate(queryId, contentHash, purposeAttributes);
        Instant na = Instant.ofEpochMilli(notAfter.toEpochMilli());
        byte[] spki = approver.getPublic().getEncoded();
        byte[] signature = Ed25519.sign(
                approver.getPrivate(), signed(queryId, contentHash, new TreeSet<>(purposeAttributes), na, spki));
        return new QueryApproval(queryId, contentHash.clone(), purposeAttributes, na, spki, signature);
    }

    private static void validate(String queryId, byte[] contentHash, Set<String> attrs) {
        if (queryId == null || !queryId.matches("[A-Za-z0-9._:-]{1,128}")) {
            throw new IllegalArgumentException("query id must be 1-128 of [A-Za-z0-9._:-]");
        }
        if (contentHash.length != 32) {
            throw new IllegalArgumentException("content hash must be 32 bytes");
        }
        if (attrs.isEmpty() || attrs.size() > 64) {
            throw new IllegalArgumentException("an approval names 1..64 purpose attributes");
        }
        attrs.forEach(Attribute::of);
    }

    private static byte[] body(String queryId, byte[] contentHash, Set<String> attrs, Instant notAfter, byte[] spki) {
        WireWriter w =
                new WireWriter().u8(VERSION).utf8(queryId).fixed(contentHash).i32(attrs.size());
        attrs.forEach(w::utf8);
        return w.i64(notAfter.toEpochMilli()).bytes(spki).toByteArray();
    }

    private static byte[] signed(String queryId, byte[] contentHash, Set<String> attrs, Instant notAfter, byte[] spki) {
        return new WireWriter()
                .utf8(DOMAIN)
                .fixed(body(queryId, contentHash, attrs, notAfter, spki))
                .toByteArray();
    }

    public byte[] toBytes() {
        return new WireWriter()
                .fixed(body(queryId, contentHash, purposeAttributes, notAfter, approverSpki))
                .bytes(signature)
                .toByteArray();
    }

    public static QueryApproval parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, VERSION, "query approval");
        String id = r.utf8();
        byte[] hash = r.fixed(32);
        int n = r.i32();
        Set<String> attrs = UserKeyGrant.readAttributes(r, n);
        Instant notAfter = Instant.ofEpochMilli(r.i64());
        byte[] spki = r.bytes();
        byte[] sig = r.bytes();
        r.expectEnd();
        try {
            validate(id, hash, attrs);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid query approval: " + e.getMessage());
        }
        if (attrs.size() != n) {
            throw new MalformedEncodingException("duplicate purpose attribute");
        }
        return new QueryApproval(id, hash, attrs, notAfter, spki, sig);
    }

    /**
     * Checks the signature, that the approver is trusted, and that {@code now} is not after {@code
     * notAfter}.
     */
    public void verify(Set<String> trustedApproverKeyIds, Instant now) throws KeyReleaseException {
        if (!trustedApproverKeyIds.contains(approverKeyId())) {
            throw new KeyReleaseException(
                    KeyReleaseException.Reason.APPROVAL_UNTRUSTED_APPROVER,
                    "approver " + approverKeyId() + " is not trusted");
        }
        if (!Ed25519.verifies(
                approverSpki, signed(queryId, contentHash, purposeAttributes, notAfter, approverSpki), signature)) {
            throw new KeyReleaseException(KeyReleaseException.Reason.APPROVAL_SIGNATURE, "approval signature invalid");
        }
        if (now.isAfter(notAfter)) {
            throw new KeyReleaseException(
                    KeyReleaseException.Reason.APPROVAL_EXPIRED, "approval expired at " + notAfter);
        }
    }

    /** Hex SHA-256 of an approver's SubjectPublicKeyInfo, as listed in the authority's config. */
    public static String keyIdOf(PublicKey approver) {
        return Hex.of(Sha256.hash(approver.getEncoded()));
    }

    public String approverKeyId() {
        return Hex.of(Sha256.hash(approverSpki));
    }

    public String queryId() {
        return queryId;
    }

    /** The content hash of the template and request the approver read. */
    public byte[] contentHash() {
        return contentHash.clone();
    }

    public Set<String> purposeAttributes() {
        return purposeAttributes;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public byte[] hash() {
        return Sha256.hash(toBytes());
    }

    @Override
    public String toString() {
        return "QueryApproval{queryId=" + queryId + ", attributes=" + purposeAttributes + ", notAfter=" + notAfter
                + "}";
    }
}
