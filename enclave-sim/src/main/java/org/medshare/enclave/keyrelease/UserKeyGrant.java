package org.medshare.enclave.keyrelease;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.Collections;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.medshare.abe.Attribute;
import org.medshare.enclave.Ed25519;
import org.medshare.enclave.Hex;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.WireReader;
import org.medshare.enclave.WireWriter;

/**
 * A hospital's signed statement that its clinician {@code subject} may receive an ABE user key for exactly {@code
 * attributes}, wrapped to the X25519 key {@code recipientSpki}, until {@code notAfter}. The hospital signs it on its
 * own side with its grant key, an Ed25519 key that the key authority's measured configuration trusts for {@code
 * organisation} only; the service checks it against the clinician's token and relays it, and holds no such key. The
 * authority issues each grant once.
 *
 * <p>Encoding v1: u8 1, utf8 organisation, utf8 subject, u32 n + n × utf8 attribute (sorted), i64 notAfter
 * (Unix ms), bytes recipient X25519 SPKI, bytes signer SPKI, bytes Ed25519 signature over
 * "medshare.user-key-grant.v1" ‖ everything before the signature.
 */
public final class UserKeyGrant {
    private static final String DOMAIN = "medshare.user-key-grant.v1";
    private static final String ID = "[A-Za-z0-9_.:@-]{1,128}";

    private final String organisation;
    private final String subject;
    private final SortedSet<String> attributes;
    private final Instant notAfter;
    private final byte[] recipientSpki;
    private final byte[] signerSpki;
    private final byte[] signature;

    private UserKeyGrant(
            String organisation,
            String subject,
            Set<String> attributes,
            Instant notAfter,
            byte[] recipientSpki,
            byte[] signerSpki,
            byte[] signature) {
        this.organisation = organisation;
        this.subject = subject;
        this.attributes = Collections.unmodifiableSortedSet(new TreeSet<>(attributes));
        this.notAfter = notAfter;
        this.recipientSpki = recipientSpki;
        this.signerSpki = signerSpki;
        this.signature = signature;
    }

    /**
     * Signs a grant.
     *
     * @throws IllegalArgumentException for malformed ids, 0 or more than 64 attributes, a malformed attribute, or a
     *     recipient key that is not an X25519 SubjectPublicKeyInfo
     */
    public static UserKeyGrant sign(
            String organisation,
            String subject,
            Set<String> attributes,
            Instant notAfter,
            byte[] recipientSpki,
            KeyPair signer)
            throws GeneralSecurityException {
        validate(organisation, subject, attributes, recipientSpki);
        Instant na = Instant.ofEpochMilli(notAfter.toEpochMilli());
        byte[] spki = signer.getPublic().getEncoded();
        TreeSet<String> sorted = new TreeSet<>(attributes);
        byte[] signature =
                Ed25519.sign(signer.getPrivate(), signed(organisation, subject, sorted, na, recipientSpki, spki));
        return new UserKeyGrant(organisation, subject, sorted, na, recipientSpki.clone(), spki, signature);
    }

    private static void validate(String organisation, String subject, Set<String> attributes, byte[] recipientSpki) {
        if (organisation == null || !organisation.matches(ID) || subject == null || !subject.matches(ID)) {
            throw new IllegalArgumentException("organisation and subject must be 1-128 of [A-Za-z0-9_.:@-]");
        }
        if (attributes.isEmpty() || attributes.size() > 64) {
            throw new IllegalArgumentException("a grant names 1..64 attributes");
        }
        attributes.forEach(Attribute::of);
        try {
            PublicKey k = KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(recipientSpki));
            if (!"XDH".equals(k.getAlgorithm()) && !"X25519".equals(k.getAlgorithm())) {
                throw new IllegalArgumentException("recipient key is not X25519");
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("recipient key is not an X25519 SubjectPublicKeyInfo");
        }
    }

    private static byte[] body(
            String organisation,
            String subject,
            SortedSet<String> attributes,
            Instant notAfter,
            byte[] recipientSpki,
            byte[] signerSpki) {
        WireWriter w = new WireWriter().u8(1).utf8(organisation).utf8(subject).i32(attributes.size());
        attributes.forEach(w::utf8);
        return w.i64(notAfter.toEpochMilli())
                .bytes(recipientSpki)
                .bytes(signerSpki)
                .toByteArray();
    }

    private static byte[] signed(
            String organisation,
            String subject,
            SortedSet<String> attributes,
            Instant notAfter,
            byte[] recipientSpki,
            byte[] signerSpki) {
        return new WireWriter()
                .utf8(DOMAIN)
                .fixed(body(organisation, subject, attributes, notAfter, recipientSpki, signerSpki))
                .toByteArray();
    }

    public byte[] toBytes() {
        return new WireWriter()
                .fixed(body(organisation, subject, attributes, notAfter, recipientSpki, signerSpki))
                .bytes(signature)
                .toByteArray();
    }

    /** Reads {@code n} attribute strings (1 to 64 of them) as written by a grant or an issue statement. */
    static TreeSet<String> readAttributes(WireReader r, int n) throws MalformedEncodingException {
        if (n < 1 || n > 64) {
            throw new MalformedEncodingException("attribute count " + n + " outside 1..64");
        }
        TreeSet<String> attributes = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            attributes.add(r.utf8());
        }
        return attributes;
    }

    public static UserKeyGrant parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "user key grant");
        String organisation = r.utf8();
        String subject = r.utf8();
        int n = r.i32();
        TreeSet<String> attributes = readAttributes(r, n);
        Instant notAfter = Instant.ofEpochMilli(r.i64());
        byte[] recipient = r.bytes();
        byte[] signer = r.bytes();
        byte[] sig = r.bytes();
        r.expectEnd();
        if (attributes.size() != n) {
            throw new MalformedEncodingException("duplicate attribute");
        }
        try {
            validate(organisation, subject, attributes, recipient);
        } catch (IllegalArgumentException e) {
            throw new MalformedEncodingException("invalid user key grant: " + e.getMessage());
        }
        return new UserKeyGrant(organisation, subject, attributes, notAfter, recipient, signer, sig);
    }

    /**
     * Checks that the signer is one of {@code trustedSignerKeyIds} (hex SHA-256 of SPKI), the signature, and that
     * {@code now} is not after {@code notAfter}.
     */
    public void verify(Set<String> trustedSignerKeyIds, Instant now) throws KeyReleaseException {
        String signerId = signerKeyId();
        if (!trustedSignerKeyIds.contains(signerId)) {
            throw new KeyReleaseException(
                    KeyReleaseException.Reason.APPROVAL_UNTRUSTED_APPROVER,
                    "grant key " + signerId + " is not trusted for " + organisation);
        }
        if (!Ed25519.verifies(
                signerSpki,
                signed(organisation, subject, attributes, notAfter, recipientSpki, signerSpki),
                signature)) {
            throw new KeyReleaseException(KeyReleaseException.Reason.APPROVAL_SIGNATURE, "grant signature invalid");
        }
        if (now.isAfter(notAfter)) {
            throw new KeyReleaseException(KeyReleaseException.Reason.APPROVAL_EXPIRED, "grant expired at " + notAfter);
        }
    }

    /** Hex SHA-256 of the signer's SubjectPublicKeyInfo. */
    public String signerKeyId() {
        return Hex.of(Sha256.hash(signerSpki));
    }

    public String organisation() {
        return organisation;
    }

    public String subject() {
        return subject;
    }

    public SortedSet<String> attributes() {
        return attributes;
    }

    public Instant notAfter() {
        return notAfter;
    }

    public byte[] recipientSpki() {
        return recipientSpki.clone();
    }

    public byte[] hash() {
        return Sha256.hash(toBytes());
    }

    @Override
    public String toString() {
        return "UserKeyGrant{organisation=" + organisation + ", attributes=" + attributes + ", notAfter=" + notAfter
                + "}";
    }
}
