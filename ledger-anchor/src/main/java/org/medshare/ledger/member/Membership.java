package org.medshare.ledger.member;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.medshare.ledger.checkpoint.NoteKeys;
import org.medshare.ledger.checkpoint.NoteVerifier;
import org.medshare.ledger.checkpoint.SignatureVerificationException;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The consortium's white and black lists, derived only from ledger events: MEMBER_ADMITTED adds a
 * member whose certificate (looked up by the event's SHA-256 fingerprint) chains to the consortium
 * CA; MEMBER_REMOVED moves a member to the black list for good (a removed id is never re-admitted).
 * Checkpoint quorum counts valid signatures from currently admitted members only.
 *
 * <p>Not thread-safe; build it by replaying the log, then query it.
 */
public final class Membership {
    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    private final X509Certificate caRoot;
    private final Map<String, Member> active = new LinkedHashMap<>();
    private final Set<String> removed = new HashSet<>();

    public Membership(X509Certificate caRoot) {
        this.caRoot = caRoot;
    }

    /**
     * Replays events in log order. Events of other types are ignored.
     *
     * @param certificates member certificates available to the verifier (matched by fingerprint)
     * @param at the time at which certificate validity is checked (the event's timestamp if null)
     */
    public static Membership replay(
            X509Certificate caRoot, Iterable<Event> events, List<X509Certificate> certificates, Instant at)
            throws MembershipException {
        Membership m = new Membership(caRoot);
        for (Event e : events) {
            m.apply(e, certificates, at);
        }
        return m;
    }

    /** Applies one event (no change for non-membership events). */
    public void apply(Event e, List<X509Certificate> certificates, Instant at) throws MembershipException {
        if (e.type() == EventType.MEMBER_ADMITTED) {
            String id = e.id(Field.MEMBER_ID);
            if (removed.contains(id)) {
                throw new MembershipException("member " + id + " was removed and may not be re-admitted");
            }
            byte[] fp = e.hash(Field.CERT_FINGERPRINT);
            X509Certificate cert = null;
            for (X509Certificate c : certificates) {
                if (MessageDigest.isEqual(Member.fingerprint(c), fp)) {
                    cert = c;
                }
            }
            if (cert == null) {
                throw new MembershipException(
                        "no certificate with fingerprint " + HexFormat.of().formatHex(fp) + " for " + id);
            }
            Member m = verifyCertificate(cert, at != null ? at : Instant.ofEpochMilli(e.timestampMillis()));
            if (!m.id().equals(id)) {
                throw new MembershipException("certificate is for " + m.id() + ", event admits " + id);
            }
            active.put(id, m);
        } else if (e.type() == EventType.MEMBER_REMOVED) {
            String id = e.id(Field.MEMBER_ID);
            if (active.remove(id) == null) {
                throw new MembershipException("member " + id + " is not admitted");
            }
            removed.add(id);
        }
    }

    /** Checks that {@code cert} is a member certificate issued by the consortium CA and valid at {@code at}. */
    public Member verifyCertificate(X509Certificate cert, Instant at) throws MembershipException {
        try {
            cert.verify(caRoot.getPublicKey(), BC);
            cert.checkValidity(Date.from(at));
        } catch (CertificateException e) {
            throw new MembershipException("member certificate not valid at " + at + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new MembershipException("member certificate not issued by the consortium CA");
        }
        if (!cert.getIssuerX500Principal().equals(caRoot.getSubjectX500Principal())
                || cert.getBasicConstraints() >= 0) {
            throw new MembershipException("member certificate must be an end-entity certificate issued by the CA");
        }
        String cn = null;
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                }
            }
        } catch (InvalidNameException e) {
            throw new MembershipException("member certificate subject unreadable");
        }
        if (cn == null) {
            throw new MembershipException("member certificate has no CN");
        }
        try {
            NoteVerifier v = NoteKeys.verifierFor(cn, cert.getPublicKey());
            return new Member(cn, cert, v);
        } catch (GeneralSecurityException e) {
            throw new MembershipException("member certificate key unusable: " + e.getMessage());
        }
    }

    /** Currently admitted members, in admission order. */
    public List<Member> activeMembers() {
        return Collections.unmodifiableList(new ArrayList<>(active.values()));
    }

    /** The checkpoint keys of admitted members. */
    public List<NoteVerifier> activeVerifiers() {
        return active.values().stream().map(Member::verifier).toList();
    }

    public boolean isActive(String memberId) {
        return active.containsKey(memberId);
    }

    public boolean isRemoved(String memberId) {
        return removed.contains(memberId);
    }

    /**
     * Verifies a (co)signed checkpoint against the admitted members and the quorum.
     *
     * @return the members whose signatures verified
     */
    public List<NoteVerifier> checkQuorum(SignedCheckpoint cp, int quorum) throws SignatureVerificationException {
        return cp.verifyQuorum(activeVerifiers(), quorum);
    }
}
