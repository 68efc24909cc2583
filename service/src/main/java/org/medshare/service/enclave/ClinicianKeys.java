package org.medshare.service.enclave;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.medshare.enclave.MalformedEncodingException;
import org.medshare.enclave.Sha256;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.KeyAuthorityClient.IssuedUserKey;
import org.medshare.enclave.keyrelease.KeyReleaseException;
import org.medshare.enclave.keyrelease.PartyKeyList;
import org.medshare.enclave.keyrelease.UserKeyGrant;
import org.medshare.enclave.keyrelease.UserKeyIssue;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.epochs.service.AttributeEpochs;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.records.service.ClinicianAttributes;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * ABE user keys for clinicians (a hospital's clinicians hold keys for their own attributes), issued by
 * the key-authority enclave for the attributes the clinician's identity-provider token proves.
 *
 * <p>Which attributes: {@link ClinicianAttributes} (the token's {@code abe_attrs} and {@code org_id}, current
 * epoch only, never {@code purpose:}). A request may narrow the set, never widen it. The authority re-checks the
 * purpose and organisation rules itself.
 *
 * <p>How the key travels: the clinician generates an X25519 key pair and sends only its public half with a
 * fresh nonce and a single-use {@link UserKeyGrant} that the clinician's hospital signed on its own side with its
 * grant key (a {@link PartyKeys#GRANT_KEYS} key of that organisation), binding organisation, subject, attributes
 * and that public key. The service checks the grant against the token (same organisation and subject, attributes
 * the token entitles to, a grant key of the caller's organisation) and relays it; it holds no grant key, so it
 * cannot obtain a key for itself. The authority checks the grant's signer again against its own measured list,
 * wraps the user key to the public key (X25519 + HKDF + AES-256-GCM, {@link UserKeyIssue}) and signs a statement
 * of what it issued, with a quote for the clinician's nonce. The service therefore relays ciphertext only: it
 * never holds a user key, a log line or a proxy that sees the response learns nothing, and the clinician verifies
 * the quote and signature before trusting the key. Bearer-only transport of a plaintext key over the
 * authenticated response was rejected: it would put the key in the service's memory and in every TLS terminator
 * on the way.
 *
 * <p>Every issue appends KEY_ISSUED (key id = hex SHA-256 of the grant, recipient, salted hash of the attributes; the
 * salt stays in the database) first: the authority issues only once it has checked that event's inclusion under a
 * final checkpoint itself, so a key no one can find on the ledger is never issued. A grant is honoured once: its key
 * id is claimed in the database before the event is appended, and given back only when the ledger refuses the event
 * (then nothing was issued and the clinician may retry with the same grant).
 */
@ApplicationScoped
public class ClinicianKeys {

    /** The answer to a clinician: ids and the authority's relayed, verifiable material (base64). */
    public record IssuedKeyView(
            String keyId, List<String> attributes, String evidence, String issue, LedgerReceipt receipt) {}

    private final EnclaveGateway gateway;
    private final PartyKeys parties;
    private final LedgerService ledger;
    private final EntityManager em;
    private final AttributeEpochs epochs;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Inject
    ClinicianKeys(
            EnclaveGateway gateway, PartyKeys parties, LedgerService ledger, EntityManager em, AttributeEpochs epochs) {
        this.gateway = gateway;
        this.parties = parties;
        this.ledger = ledger;
        this.em = em;
        this.epochs = epochs;
    }

    /**
     * What {@code caller} (a hospital clinician) may be granted: the grant's organisation and subject, and every
     * attribute the token entitles a key to in the current epoch. Its hospital signs a grant for these or fewer.
     */
    public record Entitlement(String organisation, String subject, List<String> attributes, String epoch) {}

    /** {@code caller}'s {@link Entitlement}. */
    public Entitlement entitlement(Caller caller) {
        String epoch = epochs.current();
        return new Entitlement(
                caller.organisation(), subjectOf(caller), List.copyOf(ClinicianAttributes.of(caller, epoch)), epoch);
    }

    /**
     * Issues a user key to {@code caller} (a hospital clinician) on its hospital's grant.
     *
     * @param recipientSpki the clinician's X25519 public key (X.509 SubjectPublicKeyInfo)
     * @param nonce         the clinician's 32-byte challenge for the authority's quote
     * @param grantBytes    the {@link UserKeyGrant} the caller's hospital signed for this key
     * @throws RequestRefusedException 400 for a key that is not X25519 or a grant that does not parse; 403 {@code
     *     grant-mismatch} for a grant of another clinician, organisation or recipient key, {@code
     *     attribute-not-held} / {@code epoch-retired} for an attribute the token does not entitle to in the current
     *     epoch, {@code grant-not-trusted} unless a grant key of the caller's organisation signed it, {@code
     *     grant-signature-invalid}, {@code grant-expired}
     */
    public IssuedKeyView issue(Caller caller, byte[] recipientSpki, byte[] nonce, byte[] grantBytes) {
        checkRecipient(recipientSpki);
        UserKeyGrant grant = checkedGrant(caller, recipientSpki, grantBytes);
        String keyId = HexFormat.of().formatHex(grant.hash());
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        String attributeText = String.join("\n", grant.attributes());
        claim(keyId, caller.organisation(), grant.subject(), attributeText, salt, recipientSpki);
        LedgerReceipt receipt;
        try {
            receipt = ledger.append(Event.builder(EventType.KEY_ISSUED)
                    .timestamp(clock.millis())
                    .id(Field.ACTOR, "key-authority")
                    .id(Field.KEY_ID, keyId)
                    .id(Field.RECIPIENT, grant.subject())
                    .hash(
                            Field.ATTRIBUTES_HASH,
                            SaltedHash.of("attributes", salt, attributeText.getBytes(StandardCharsets.UTF_8)))
                    .build());
        } catch (RuntimeException e) {
            unclaim(keyId);
            throw e;
        }
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("update key_issue set ledger_index = ?1 where key_id = ?2")
                        .setParameter(1, receipt.index())
                        .setParameter(2, keyId)
                        .executeUpdate());
        IssuedUserKey issued;
        try {
            issued = gateway.enclaves().keyAuthority().issueUserKey(grant, nonce, gateway.proofOf(receipt));
        } catch (EnclaveCallException e) {
            if ("KEY_RELEASE_ATTRIBUTES_NOT_ALLOWED".equals(e.code())) {
                throw RequestRefusedException.forbidden(
                        "attribute-not-allowed", "The key authority refuses these attributes for a clinician key.");
            }
            if ("KEY_RELEASE_APPROVAL_REPLAYED".equals(e.code())) {
                throw grantUsed();
            }
            throw new IllegalStateException("the key authority refused the grant", e);
        } catch (IOException e) {
            throw new UncheckedIOException("the key authority could not be reached", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key authority's answer does not parse", e);
        }
        UserKeyIssue.Statement statement = issued.issue().statement();
        Base64.Encoder b64 = Base64.getEncoder();
        return new IssuedKeyView(
                statement.keyId(),
                new ArrayList<>(statement.attributes()),
                b64.encodeToString(issued.evidence()),
                b64.encodeToString(issued.issue().toBytes()),
                receipt);
    }

    /**
     * Records the key about to be issued on {@code keyId} (the grant's hash), so that a grant is honoured once even
     * across restarts of the authority, before its KEY_ISSUED event goes on the ledger.
     */
    private void claim(
            String keyId, String organisation, String subject, String attributeText, byte[] salt, byte[] recipient) {
        boolean claimed;
        try {
            claimed = QuarkusTransaction.requiringNew().call(() -> {
                if (em.createNativeQuery("select count(*) from key_issue where key_id = ?1")
                                        .setParameter(1, keyId)
                                        .getSingleResult()
                                instanceof Number n
                        && n.longValue() > 0) {
                    return false;
                }
                em.createNativeQuery("insert into key_issue (key_id, org_id, subject, attributes, attributes_salt, "
                                + "recipient_sha256, issued_at) values (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                        .setParameter(1, keyId)
                        .setParameter(2, organisation)
                        .setParameter(3, subject)
                        .setParameter(4, attributeText)
                        .setParameter(5, HexFormat.of().formatHex(salt))
                        .setParameter(6, HexFormat.of().formatHex(Sha256.hash(recipient)))
                        .setParameter(7, Timestamp.from(clock.instant()))
                        .executeUpdate();
                return true;
            });
        } catch (PersistenceException e) {
            claimed = false;
        }
        if (!claimed) {
            throw grantUsed();
        }
    }

    /**
     * Gives {@code keyId} back when its KEY_ISSUED event could not be appended (the ledger refused or is unreachable):
     * no key was issued on the grant, so the clinician may present it again.
     */
    private void unclaim(String keyId) {
        QuarkusTransaction.requiringNew()
                .run(() -> em.createNativeQuery("delete from key_issue where key_id = ?1 and ledger_index is null")
                        .setParameter(1, keyId)
                        .executeUpdate());
    }

    private static RequestRefusedException grantUsed() {
        return RequestRefusedException.conflict(
                "grant-used", "Grant already used", "This grant was used before; ask your hospital for a new one.");
    }

    private static String subjectOf(Caller caller) {
        return caller.organisation() + ":" + caller.subject();
    }

    /** The grant, once it is the caller's, for the caller's key and attributes, and signed by its hospital. */
    private UserKeyGrant checkedGrant(Caller caller, byte[] recipientSpki, byte[] grantBytes) {
        UserKeyGrant grant;
        try {
            grant = UserKeyGrant.parse(grantBytes == null ? new byte[0] : grantBytes);
        } catch (MalformedEncodingException e) {
            throw RequestRefusedException.invalid(
                    "invalid-grant",
                    "Invalid key grant",
                    "grant must be a base64 key grant signed by your hospital's grant key (medshare authority key"
                            + " --grant-key).");
        }
        if (!grant.organisation().equals(caller.organisation())
                || !grant.subject().equals(subjectOf(caller))
                || !Arrays.equals(grant.recipientSpki(), recipientSpki)) {
            throw RequestRefusedException.forbidden(
                    "grant-mismatch",
                    "The grant names another organisation, clinician or recipient key than this request: it must be for "
                            + subjectOf(caller) + " and recipientKey.");
        }
        String currentEpoch = epochs.current();
        SortedSet<String> eligible = ClinicianAttributes.of(caller, currentEpoch);
        SortedSet<String> retired = ClinicianAttributes.retired(caller, epochs);
        for (String a : grant.attributes()) {
            if (!eligible.contains(a) && retired.contains(a)) {
                throw RequestRefusedException.forbidden(
                        "epoch-retired",
                        "'" + a + "' belongs to a retired epoch; keys are issued for epoch " + currentEpoch
                                + " only: request " + eligible + ".");
            }
            if (!eligible.contains(a)) {
                throw RequestRefusedException.forbidden(
                        "attribute-not-held",
                        "Your token does not entitle you to '" + a + "' (current epoch " + currentEpoch
                                + "); you may request " + eligible + ".");
            }
        }
        PartyKeyList.PartyKey signer = parties.find(PartyKeys.GRANT_KEYS, grant.signerKeyId())
                .filter(k -> k.organisation().equals(caller.organisation()))
                .orElseThrow(() -> RequestRefusedException.forbidden(
                        "grant-not-trusted",
                        "The grant is not signed by a grant key of " + caller.organisation()
                                + " that the key authority trusts."));
        try {
            grant.verify(Set.of(signer.keyId()), clock.instant());
        } catch (KeyReleaseException e) {
            if (e.reason() == KeyReleaseException.Reason.APPROVAL_EXPIRED) {
                throw RequestRefusedException.forbidden(
                        "grant-expired", "The grant expired at " + grant.notAfter() + "; ask for a new one.");
            }
            throw RequestRefusedException.forbidden(
                    "grant-signature-invalid", "The grant's signature does not verify with its grant key.");
        }
        return grant;
    }

    private static void checkRecipient(byte[] spki) {
        try {
            if (spki == null || spki.length > 256) {
                throw new IllegalArgumentException();
            }
            KeyFactory.getInstance("X25519").generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw RequestRefusedException.invalid(
                    "invalid-recipient-key",
                    "Invalid recipient key",
                    "recipientKey must be a base64 X25519 SubjectPublicKeyInfo.");
        }
    }
}
