package org.medshare.service.consent.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.medshare.service.consent.ConsentProvision;
import org.medshare.service.persistence.NativeRows;

/**
 * Data access for consent: which pseudonymous patients each record names (and so which consent covers it), and the
 * two kinds of revocation, of one record and of one patient's consent at a hospital. Callers own the transaction.
 */
@ApplicationScoped
public class ConsentRepository {

    private static final String SELECT = "select rp.consent_id, rp.org_id, rp.patient_ref, min(r.created_at), count(*) "
            + "from record_patient rp join record r on r.id = rp.record_id where r.ledger_index is not null ";
    private static final String GROUP = " group by rp.consent_id, rp.org_id, rp.patient_ref";

    private final EntityManager em;

    @Inject
    ConsentRepository(EntityManager em) {
        this.em = em;
    }

    /** Forgets which patients an erased record named. */
    public void forgetRecord(String recordId) {
        em.createNativeQuery("delete from record_patient where record_id = ?1")
                .setParameter(1, recordId)
                .executeUpdate();
    }

    /** Links a record to a pseudonymous patient of its organisation, under that patient's consent. */
    public void addPatient(String recordId, String organisation, String patientRef, String consentId) {
        em.createNativeQuery("insert into record_patient (record_id, org_id, patient_ref, consent_id) "
                        + "values (?1, ?2, ?3, ?4)")
                .setParameter(1, recordId)
                .setParameter(2, organisation)
                .setParameter(3, patientRef)
                .setParameter(4, consentId)
                .executeUpdate();
    }

    /** The patient consent {@code id} of whichever organisation, if one of its visible records names the patient. */
    public Optional<PatientConsent> patientConsentById(String id) {
        return patientConsents(SELECT + "and rp.consent_id = ?1" + GROUP, 0, 1, id).stream()
                .findFirst();
    }

    /** The ids of the consents that cover a record (one per patient it names), ascending. */
    public List<String> consentIdsOf(String recordId) {
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery(
                        "select distinct consent_id from record_patient where record_id = ?1 order by consent_id")
                .setParameter(1, recordId)
                .getResultList();
        return rows.stream().map(Object::toString).toList();
    }

    /**
     * Replaces a patient consent's provisions if its provisions version is still {@code expectedVersion} (1: none
     * stored yet).
     *
     * @return whether they were replaced (false: another change came first)
     */
    public boolean replaceProvisions(
            PatientConsent consent, int expectedVersion, String encoded, String salt, String by, Instant at) {
        if (expectedVersion == 1) {
            if (count("select count(*) from consent_provisions where consent_id = ?1", consent.id()) > 0) {
                return false;
            }
            em.createNativeQuery(
                            "insert into consent_provisions (consent_id, org_id, patient_ref, version, "
                                    + "provisions, provisions_salt, updated_by, updated_at) values (?1, ?2, ?3, 2, ?4, ?5, ?6, ?7)")
                    .setParameter(1, consent.id())
                    .setParameter(2, consent.organisation())
                    .setParameter(3, consent.patientRef())
                    .setParameter(4, encoded)
                    .setParameter(5, salt)
                    .setParameter(6, by)
                    .setParameter(7, Timestamp.from(at))
                    .executeUpdate();
            return true;
        }
        return em.createNativeQuery("update consent_provisions set version = version + 1, provisions = ?1, "
                                + "provisions_salt = ?2, updated_by = ?3, updated_at = ?4 "
                                + "where consent_id = ?5 and version = ?6")
                        .setParameter(1, encoded)
                        .setParameter(2, salt)
                        .setParameter(3, by)
                        .setParameter(4, Timestamp.from(at))
                        .setParameter(5, consent.id())
                        .setParameter(6, expectedVersion)
                        .executeUpdate()
                == 1;
    }

    /** The hex salt of the PROVISIONS_HASH of consent {@code consentId}'s latest CONSENT_CHANGED, if it has one. */
    public Optional<String> provisionsSalt(String consentId) {
        List<?> rows = em.createNativeQuery("select provisions_salt from consent_provisions where consent_id = ?1")
                .setParameter(1, consentId)
                .getResultList();
        return rows.isEmpty() || rows.get(0) == null
                ? Optional.empty()
                : Optional.of(rows.get(0).toString());
    }

    /** The organisation's patient consent {@code id}, if one of its visible records names the patient. */
    public Optional<PatientConsent> patientConsent(String organisation, String id) {
        return patientConsents(SELECT + "and rp.consent_id = ?1 and rp.org_id = ?2" + GROUP, 0, 1, id, organisation)
                .stream()
                .findFirst();
    }

    /** The organisation's patient consents, of one patient when {@code patientRef} is not null, ordered by id. */
    public List<PatientConsent> patientConsents(String organisation, String patientRef, int offset, int limit) {
        return patientRef == null
                ? patientConsents(
                        SELECT + "and rp.org_id = ?1" + GROUP + " order by rp.consent_id", offset, limit, organisation)
                : patientConsents(
                        SELECT + "and rp.org_id = ?1 and rp.patient_ref = ?2" + GROUP + " order by rp.consent_id",
                        offset,
                        limit,
                        organisation,
                        patientRef);
    }

    /** How many patient consents {@link #patientConsents(String, String, int, int)} finds over all pages. */
    public long countPatientConsents(String organisation, String patientRef) {
        String where = SELECT + "and rp.org_id = ?1" + (patientRef == null ? "" : " and rp.patient_ref = ?2") + GROUP;
        var query = em.createNativeQuery("select count(*) from (" + where + ") matches")
                .setParameter(1, organisation);
        if (patientRef != null) {
            query.setParameter(2, patientRef);
        }
        return ((Number) query.getSingleResult()).longValue();
    }

    /**
     * Records the revocation of a patient consent; fails with a {@code PersistenceException} if it is already
     * revoked (the consent id is the key).
     *
     * @param subjectSalt hex salt of the CONSENT_REVOKED event's subject hash
     */
    public void revokePatientConsent(PatientConsent consent, String subjectSalt, String by, Instant at) {
        em.createNativeQuery("insert into patient_consent_revocation (consent_id, org_id, patient_ref, subject_salt, "
                        + "revoked_by, revoked_at) values (?1, ?2, ?3, ?4, ?5, ?6)")
                .setParameter(1, consent.id())
                .setParameter(2, consent.organisation())
                .setParameter(3, consent.patientRef())
                .setParameter(4, subjectSalt)
                .setParameter(5, by)
                .setParameter(6, Timestamp.from(at))
                .executeUpdate();
    }

    /** Notes the index of a patient consent's CONSENT_REVOKED event. */
    public void patientRevocationLogged(String consentId, long ledgerIndex) {
        em.createNativeQuery("update patient_consent_revocation set ledger_index = ?1 where consent_id = ?2")
                .setParameter(1, ledgerIndex)
                .setParameter(2, consentId)
                .executeUpdate();
    }

    /**
     * Records the revocation of the consent for one record, unless it is already revoked.
     *
     * @param subjectSalt hex salt of the CONSENT_REVOKED event's subject hash
     * @return whether this call revoked it
     */
    public boolean revokeRecordConsent(String recordId, String subjectSalt, String by, Instant at) {
        if (count("select count(*) from consent_revocation where record_id = ?1", recordId) > 0) {
            return false;
        }
        em.createNativeQuery("insert into consent_revocation (record_id, subject_salt, revoked_by, revoked_at) "
                        + "values (?1, ?2, ?3, ?4)")
                .setParameter(1, recordId)
                .setParameter(2, subjectSalt)
                .setParameter(3, by)
                .setParameter(4, Timestamp.from(at))
                .executeUpdate();
        return true;
    }

    /** Whether the consent behind a record is revoked: for the record itself, or for any of its patients. */
    public boolean isRevoked(String recordId) {
        return count("select count(*) from consent_revocation where record_id = ?1", recordId) > 0
                || count(
                                "select count(*) from record_patient rp join patient_consent_revocation c "
                                        + "on c.consent_id = rp.consent_id where rp.record_id = ?1",
                                recordId)
                        > 0;
    }

    /**
     * What the consents of one record say, as {@link #recordConsents()} reads them: one consent covering the record
     * (a patient it names), or none ({@code consentId} null) for a record that names no patient but whose own
     * consent is revoked.
     *
     * @param consentId       the consent, or null
     * @param version         the consent's version as {@link PatientConsent#version()} counts it (0 without consent)
     * @param provisions      the consent's provisions (empty without consent)
     * @param consentRevoked  whether the consent is revoked
     * @param recordRevoked   whether the record's own consent is revoked
     */
    public record RecordConsent(
            String recordId,
            String consentId,
            int version,
            List<ConsentProvision> provisions,
            boolean consentRevoked,
            boolean recordRevoked) {
        public RecordConsent {
            provisions = List.copyOf(provisions);
        }
    }

    /**
     * In one statement, the consents of every record that names a patient or whose own consent is revoked, by record
     * id then consent id; a record absent from the list has no consent to consult.
     */
    public List<RecordConsent> recordConsents() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select x.record_id, rp.consent_id, cp.version, cp.provisions, "
                        + "case when pcr.consent_id is null then 0 else 1 end, "
                        + "case when cr.record_id is null then 0 else 1 end "
                        + "from (select record_id from record_patient union select record_id from consent_revocation) x "
                        + "left join record_patient rp on rp.record_id = x.record_id "
                        + "left join consent_provisions cp on cp.consent_id = rp.consent_id "
                        + "left join patient_consent_revocation pcr on pcr.consent_id = rp.consent_id "
                        + "left join consent_revocation cr on cr.record_id = x.record_id "
                        + "order by x.record_id, rp.consent_id")
                .getResultList();
        return rows.stream()
                .map(r -> {
                    boolean consentRevoked = ((Number) r[4]).intValue() == 1;
                    int provisionsVersion = r[2] == null ? 1 : ((Number) r[2]).intValue();
                    return new RecordConsent(
                            r[0].toString(),
                            r[1] == null ? null : r[1].toString(),
                            r[1] == null ? 0 : provisionsVersion + (consentRevoked ? 1 : 0),
                            r[3] == null ? List.of() : ConsentProvision.decode(r[3].toString()),
                            consentRevoked,
                            ((Number) r[5]).intValue() == 1);
                })
                .toList();
    }

    /** Every record whose consent is revoked, per record or per patient. */
    public Set<String> revokedRecords() {
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery("select record_id from consent_revocation union "
                        + "select rp.record_id from record_patient rp join patient_consent_revocation c "
                        + "on c.consent_id = rp.consent_id")
                .getResultList();
        return rows.stream().map(Object::toString).collect(Collectors.toSet());
    }

    private long count(String sql, String recordId) {
        return ((Number) em.createNativeQuery(sql).setParameter(1, recordId).getSingleResult()).longValue();
    }

    private List<PatientConsent> patientConsents(String sql, int offset, int limit, Object... parameters) {
        var query = em.createNativeQuery(sql);
        for (int i = 0; i < parameters.length; i++) {
            query.setParameter(i + 1, parameters[i]);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.setFirstResult(offset).setMaxResults(limit).getResultList();
        return rows.stream().map(this::patientConsent).toList();
    }

    private PatientConsent patientConsent(Object[] row) {
        String id = row[0].toString();
        @SuppressWarnings("unchecked")
        List<Object[]> revoked = em.createNativeQuery(
                        "select revoked_at, revoked_by, ledger_index from patient_consent_revocation where consent_id = ?1")
                .setParameter(1, id)
                .getResultList();
        Object[] r = revoked.isEmpty() ? null : revoked.get(0);
        @SuppressWarnings("unchecked")
        List<Object[]> stored = em.createNativeQuery(
                        "select version, provisions, updated_at from consent_provisions where consent_id = ?1")
                .setParameter(1, id)
                .getResultList();
        Object[] p = stored.isEmpty() ? null : stored.get(0);
        int provisionsVersion = p == null ? 1 : ((Number) p[0]).intValue();
        return new PatientConsent(
                id,
                row[1].toString(),
                row[2].toString(),
                NativeRows.instant(row[3]),
                ((Number) row[4]).longValue(),
                r == null ? null : NativeRows.instant(r[0]),
                r == null ? null : r[1].toString(),
                r == null || r[2] == null ? null : ((Number) r[2]).longValue(),
                provisionsVersion + (r == null ? 0 : 1),
                p == null ? List.of() : ConsentProvision.decode(p[1].toString()),
                p == null ? null : NativeRows.instant(p[2]));
    }
}
