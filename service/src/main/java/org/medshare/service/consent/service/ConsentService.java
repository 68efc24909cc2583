package org.medshare.service.consent.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.consent.persistence.ConsentRepository;
import org.medshare.service.consent.persistence.PatientConsent;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.records.service.RecordService;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * Patient consent, revoked in one of two ways by the hospital that holds the records:
 * <ul>
 *   <li>for one record: that record is excluded from every later query;</li>
 *   <li>for one pseudonymous patient (a FHIR Consent, which exists once a visible record of the hospital names the
 *       patient in its signed {@code patient} tag): every record of that patient at that hospital, present and
 *       future, is excluded from queries (before any decryption) and from ciphertext release.</li>
 * </ul>
 * Both are idempotent: the first revocation appends one CONSENT_REVOKED event, later ones change nothing. The event
 * always has the same shape: the hospital as actor, the revoked record's id or {@code consent:<consent id>}, and a
 * salted hash ({@link SaltedHash}, label {@code subject}) of the subject: the record id, or the patient reference.
 * The salt stays in the database, so an auditor given it can confirm the subject, and deleting it makes the event
 * unlinkable.
 *
 * <p>A patient consent also carries provisions ({@link ConsentProvision}) that permit or deny the release of the
 * patient's records to other organisations by purpose of use, recipient organisation and period; changing them raises
 * the consent's version ({@link ConsentDecisions} applies them on release).
 *
 * <p>A hospital sees only its own records and consents; another organisation's do not exist for it (404).
 */
@ApplicationScoped
public class ConsentService {

    /** The outcome of a revocation: the consent afterwards and whether this call changed it. */
    public record Revocation(PatientConsent consent, boolean changed) {}

    private static final int SALT_BYTES = 16;

    private final ConsentRepository repository;
    private final RecordService records;
    private final LedgerService ledger;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Inject
    ConsentService(ConsentRepository repository, RecordService records, LedgerService ledger) {
        this.repository = repository;
        this.records = records;
        this.ledger = ledger;
    }

    /** The caller organisation's patient consent {@code id}, if it exists. */
    public Optional<PatientConsent> find(Caller caller, String id) {
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().call(() -> repository.patientConsent(caller.organisation(), id));
    }

    /**
     * One page of a consent search.
     *
     * @param matches the consents on this page, ordered by id
     * @param total   how many consents match over all pages
     */
    public record SearchPage(List<PatientConsent> matches, long total) {
        public SearchPage {
            matches = List.copyOf(matches);
        }
    }

    /**
     * The caller organisation's patient consents, of one patient when {@code patientRef} is given, ordered by id:
     * the page of at most {@code limit} from {@code offset}, and the number of matches over all pages (read in the
     * same transaction).
     */
    public SearchPage search(Caller caller, String patientRef, int offset, int limit) {
        return QuarkusTransaction.requiringNew()
                .call(() -> new SearchPage(
                        repository.patientConsents(caller.organisation(), patientRef, offset, limit),
                        repository.countPatientConsents(caller.organisation(), patientRef)));
    }

    /**
     * Revokes the caller organisation's patient consent {@code id} (idempotent).
     *
     * @throws RequestRefusedException 404 if the consent does not exist for the caller
     */
    public Revocation revoke(Caller caller, String id) {
        PatientConsent consent = find(caller, id).orElseThrow(() -> RequestRefusedException.notFound("Consent " + id));
        if (!consent.active()) {
            return new Revocation(consent, false);
        }
        byte[] salt = salt();
        Instant now = clock.instant();
        try {
            QuarkusTransaction.requiringNew()
                    .run(() -> repository.revokePatientConsent(
                            consent, HexFormat.of().formatHex(salt), caller.actor(), now));
        } catch (PersistenceException e) {
            return new Revocation(find(caller, id).orElseThrow(), false);
        }
        long index = logRevocation(caller, now, "consent:" + id, salt, consent.patientRef());
        QuarkusTransaction.requiringNew().run(() -> repository.patientRevocationLogged(id, index));
        return new Revocation(find(caller, id).orElseThrow(), true);
    }

    /**
     * Revokes the consent for one of the caller hospital's visible records (idempotent).
     *
     * @return whether this call revoked it
     * @throws RequestRefusedException 404 if the record does not exist for the caller
     */
    public boolean revokeRecord(Caller hospital, String recordId) {
        records.get(hospital, recordId);
        byte[] salt = salt();
        Instant now = clock.instant();
        boolean revoked = QuarkusTransaction.requiringNew()
                .call(() -> repository.revokeRecordConsent(
                        recordId, HexFormat.of().formatHex(salt), hospital.actor(), now));
        if (revoked) {
            logRevocation(hospital, now, recordId, salt, recordId);
        }
        return revoked;
    }

    /** The outcome of a change of provisions: the consent afterwards and whether this call changed it. */
    public record ProvisionChange(PatientConsent consent, boolean changed) {}

    /**
     * Replaces the provisions of the caller organisation's patient consent {@code id}; the consent's version goes up
     * by one and a CONSENT_CHANGED event records the new version with a salted hash of the provisions (the salt is
     * kept with the consent, see {@link #provisionsSalt}), so that the version each ACCESS event names can be
     * checked against the ledger. The same provisions again change nothing (same version, no event).
     *
     * @throws RequestRefusedException 404 if the consent does not exist for the caller, 400 {@code invalid-provision}
     *     naming the first provision that breaks the rules of {@link ConsentProvision}, 409 {@code consent-revoked}
     *     for a revoked consent (revocation is final), 409 {@code consent-changed} if another change came first
     */
    public ProvisionChange replaceProvisions(Caller caller, String id, List<ConsentProvision> provisions) {
        PatientConsent consent = find(caller, id).orElseThrow(() -> RequestRefusedException.notFound("Consent " + id));
        if (provisions == null || provisions.size() > ConsentProvision.MAX_PROVISIONS) {
            throw RequestRefusedException.invalid(
                    "invalid-provision",
                    "Invalid provision",
                    "provisions is a list of at most " + ConsentProvision.MAX_PROVISIONS + " provisions.");
        }
        List<ConsentProvision> checked = new ArrayList<>();
        for (int i = 0; i < provisions.size(); i++) {
            try {
                if (provisions.get(i) == null) {
                    throw new IllegalArgumentException("a provision is an object");
                }
                checked.add(provisions.get(i).checked());
            } catch (IllegalArgumentException e) {
                throw RequestRefusedException.invalid(
                        "invalid-provision", "Invalid provision", "Provision " + i + ": " + e.getMessage() + ".");
            }
        }
        if (!consent.active()) {
            throw RequestRefusedException.conflict(
                    "consent-revoked",
                    "Consent revoked",
                    "Consent " + id + " was revoked; a revoked consent is final and its provisions do not change.");
        }
        if (checked.equals(consent.provisions())) {
            return new ProvisionChange(consent, false);
        }
        Instant now = clock.instant();
        byte[] salt = salt();
        String encoded = ConsentProvision.encode(checked);
        boolean replaced;
        try {
            replaced = QuarkusTransaction.requiringNew()
                    .call(() -> repository.replaceProvisions(
                            consent, consent.version(), encoded, HexFormat.of().formatHex(salt), caller.actor(), now));
        } catch (PersistenceException e) {
            replaced = false;
        }
        if (!replaced) {
            throw RequestRefusedException.conflict(
                    "consent-changed",
                    "Consent changed",
                    "Consent " + id + " was changed at the same moment; read it again and retry.");
        }
        ledger.append(Event.builder(EventType.CONSENT_CHANGED)
                .timestamp(now.toEpochMilli())
                .id(Field.ACTOR, caller.actor())
                .id(Field.RECORD_ID, "consent:" + id)
                .amount(Field.CONSENT_VERSION, consent.version() + 1)
                .hash(
                        Field.PROVISIONS_HASH,
                        SaltedHash.of("provisions", salt, encoded.getBytes(StandardCharsets.UTF_8)))
                .build());
        return new ProvisionChange(find(caller, id).orElseThrow(), true);
    }

    /**
     * The hex salt of the {@code PROVISIONS_HASH} on the latest CONSENT_CHANGED of the caller organisation's consent
     * {@code id}: with it (and the provisions) an auditor checks that event; empty while the consent has no
     * provisions or is not the caller's.
     */
    public Optional<String> provisionsSalt(Caller caller, String id) {
        return find(caller, id)
                .flatMap(c -> QuarkusTransaction.requiringNew().call(() -> repository.provisionsSalt(id)));
    }

    /** Every record whose consent is revoked, per record or per patient: no query may use them. */
    public Set<String> revokedRecords() {
        return QuarkusTransaction.requiringNew().call(repository::revokedRecords);
    }

    private long logRevocation(Caller hospital, Instant at, String revoked, byte[] salt, String subject) {
        return ledger.append(Event.builder(EventType.CONSENT_REVOKED)
                        .timestamp(at.toEpochMilli())
                        .id(Field.ACTOR, hospital.organisation())
                        .id(Field.RECORD_ID, revoked)
                        .hash(
                                Field.SUBJECT_HASH,
                                SaltedHash.of("subject", salt, subject.getBytes(StandardCharsets.UTF_8)))
                        .build())
                .index();
    }

    private byte[] salt() {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return salt;
    }
}
