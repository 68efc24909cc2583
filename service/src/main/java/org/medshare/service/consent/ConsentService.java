package org.medshare.service.consent;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.problem.RequestRefusedException;

/**
 * Patient consent per (hospital, pseudonymous patient): a consent exists once the hospital has a visible record
 * whose signed {@code patient} tag names the patient, and is active until revoked. Revoking it excludes every
 * record of that patient at that hospital — present and future — from queries (before any decryption) and from
 * ciphertext release. Revocation is idempotent: the first appends CONSENT_REVOKED (the consent id and a salted
 * hash of the patient reference; the salt stays in the database), later ones change nothing.
 *
 * <p>A hospital sees only its own consents; another organisation's consent ids do not exist for it (404).
 */
@ApplicationScoped
public class ConsentService {

    /**
     * One consent as the service knows it.
     *
     * @param id          consent id ({@link ConsentIds#of})
     * @param patientRef  the pseudonymous patient reference (a keyed hash)
     * @param since       when the first record of the patient became visible
     * @param records     visible records of the patient at this hospital
     * @param revokedAt   when it was revoked, or null while active
     * @param ledgerIndex the CONSENT_REVOKED event's index, or null
     */
    public record ConsentState(String id, String organisation, String patientRef, Instant since, long records,
                               Instant revokedAt, String revokedBy, Long ledgerIndex) {
        public boolean active() {
            return revokedAt == null;
        }
    }

    /** The outcome of a revocation: the consent afterwards and whether this call changed it. */
    public record Revocation(ConsentState consent, boolean changed) {
    }

    private static final String SELECT = "select rp.consent_id, rp.org_id, rp.patient_ref, min(r.created_at), count(*) "
            + "from record_patient rp join record r on r.id = rp.record_id where r.ledger_index is not null ";
    private static final String GROUP = " group by rp.consent_id, rp.org_id, rp.patient_ref";

    private final EntityManager em;
    private final LedgerService ledger;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock = Clock.systemUTC();

    @Inject
    ConsentService(EntityManager em, LedgerService ledger) {
        this.em = em;
        this.ledger = ledger;
    }

    /** The caller organisation's consent {@code id}, if it exists. */
    public Optional<ConsentState> find(Caller caller, String id) {
        if (id == null || !id.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        return QuarkusTransaction.requiringNew().call(() -> rows(
                SELECT + "and rp.consent_id = ?1 and rp.org_id = ?2" + GROUP, 0, 1, id, caller.organisation())
                .stream().findFirst());
    }

    /** The caller organisation's consents, of one patient when {@code patientRef} is given, ordered by id. */
    public List<ConsentState> search(Caller caller, String patientRef, int offset, int limit) {
        return QuarkusTransaction.requiringNew().call(() -> patientRef == null
                ? rows(SELECT + "and rp.org_id = ?1" + GROUP + " order by rp.consent_id", offset, limit,
                        caller.organisation())
                : rows(SELECT + "and rp.org_id = ?1 and rp.patient_ref = ?2" + GROUP + " order by rp.consent_id",
                        offset, limit, caller.organisation(), patientRef));
    }

    /**
     * Revokes the caller organisation's consent {@code id} (idempotent).
     *
     * @throws RequestRefusedException 404 if the consent does not exist for the caller
     */
    public Revocation revoke(Caller caller, String id) {
        ConsentState consent = find(caller, id).orElseThrow(() -> RequestRefusedException.notFound("Consent " + id));
        if (!consent.active()) {
            return new Revocation(consent, false);
        }
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        Instant now = clock.instant();
        try {
            QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                            "insert into patient_consent_revocation (consent_id, org_id, patient_ref, subject_salt, "
                                    + "revoked_by, revoked_at) values (?1, ?2, ?3, ?4, ?5, ?6)")
                    .setParameter(1, id).setParameter(2, consent.organisation()).setParameter(3, consent.patientRef())
                    .setParameter(4, HexFormat.of().formatHex(salt)).setParameter(5, caller.actor())
                    .setParameter(6, Timestamp.from(now)).executeUpdate());
        } catch (PersistenceException e) {
            return new Revocation(find(caller, id).orElseThrow(), false);
        }
        long index = ledger.append(Event.builder(EventType.CONSENT_REVOKED).timestamp(now.toEpochMilli())
                .id(Field.ACTOR, caller.organisation())
                .id(Field.RECORD_ID, "consent:" + id)
                .hash(Field.SUBJECT_HASH,
                        SaltedHash.of("subject", salt, consent.patientRef().getBytes(StandardCharsets.UTF_8)))
                .build()).index();
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                        "update patient_consent_revocation set ledger_index = ?1 where consent_id = ?2")
                .setParameter(1, index).setParameter(2, id).executeUpdate());
        return new Revocation(find(caller, id).orElseThrow(), true);
    }

    private List<ConsentState> rows(String sql, int offset, int limit, Object... parameters) {
        var query = em.createNativeQuery(sql);
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.setFirstResult(offset).setMaxResults(limit).getResultList();
        return rows.stream().map(this::state).toList();
    }

    private ConsentState state(Object[] row) {
        String id = row[0].toString();
        @SuppressWarnings("unchecked")
        List<Object[]> revoked = em.createNativeQuery(
                        "select revoked_at, revoked_by, ledger_index from patient_consent_revocation where consent_id = ?1")
                .setParameter(1, id).getResultList();
        Object[] r = revoked.isEmpty() ? null : revoked.get(0);
        return new ConsentState(id, row[1].toString(), row[2].toString(), instant(row[3]),
                ((Number) row[4]).longValue(), r == null ? null : instant(r[0]), r == null ? null : r[1].toString(),
                r == null || r[2] == null ? null : ((Number) r[2]).longValue());
    }

    private static Instant instant(Object value) {
        if (value instanceof Timestamp t) {
            return t.toInstant();
        }
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof java.time.LocalDateTime l) {
            return l.toInstant(java.time.ZoneOffset.UTC);
        }
        if (value instanceof java.time.OffsetDateTime o) {
            return o.toInstant();
        }
        throw new IllegalStateException("unexpected timestamp type " + value.getClass().getName());
    }
}
