package org.medshare.service.records.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Data access for records and signing keys; callers own the transaction. */
@ApplicationScoped
public class RecordRepository {

    private final EntityManager em;

    @Inject
    RecordRepository(EntityManager em) {
        this.em = em;
    }

    public Optional<RecordEntity> byIdempotencyKey(String organisation, String key) {
        return em.createQuery(
                        "from RecordEntity r where r.organisation = :o and r.idempotencyKey = :k", RecordEntity.class)
                .setParameter("o", organisation)
                .setParameter("k", key)
                .getResultStream()
                .findFirst();
    }

    /** Removes the record's row (erasure). */
    public void delete(RecordEntity record) {
        em.remove(record);
    }

    public Optional<RecordEntity> byId(String id) {
        return Optional.ofNullable(em.find(RecordEntity.class, id));
    }

    /**
     * Current versions of an organisation's visible records (anchored on the ledger), newest first; with
     * {@code resourceType} (letters only) only those whose resource summary tag names that type.
     */
    public List<RecordEntity> visibleOf(String organisation, String resourceType, int offset, int limit) {
        StringBuilder filter = new StringBuilder();
        List<String> patterns = new ArrayList<>();
        if (resourceType != null) {
            if (!resourceType.matches("[A-Za-z]{1,64}")) {
                throw new IllegalArgumentException("resource type must be letters only");
            }
            for (String before : List.of("=", ",")) {
                for (String after : List.of(":%", ",%", "\n%", "")) {
                    filter.append(patterns.isEmpty() ? "and (" : " or ")
                            .append("r.tags like :t")
                            .append(patterns.size());
                    patterns.add("%" + before + resourceType + after);
                }
            }
            filter.append(") ");
        }
        var query = em.createQuery(
                        "from RecordEntity r where r.organisation = :o and r.ledgerIndex is not null "
                                + "and r.supersededBy is null " + filter + "order by r.createdAt desc, r.id",
                        RecordEntity.class)
                .setParameter("o", organisation);
        for (int i = 0; i < patterns.size(); i++) {
            query.setParameter("t" + i, patterns.get(i));
        }
        return query.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /**
     * Every visible record statistics may use, oldest first: current versions with analytics rows (records stored
     * without rows, and versions a newer upload of the same document replaced, are left out).
     */
    public List<StatisticsCandidate> visibleForStatistics() {
        return em.createQuery(
                        "select r.id, r.organisation, r.policy, r.rowsCid from RecordEntity r "
                                + "where r.ledgerIndex is not null and r.supersededBy is null "
                                + "and (r.analyticsRows is null or r.analyticsRows > 0) order by r.createdAt, r.id",
                        Object[].class)
                .getResultStream()
                .map(row -> new StatisticsCandidate((String) row[0], (String) row[1], (String) row[2], (String) row[3]))
                .toList();
    }

    /** What statistics need of a record before its rows are read: ids, its policy text and its rows' CID. */
    public record StatisticsCandidate(String recordId, String organisation, String policy, String rowsCid) {}

    /**
     * Current versions of visible records, of every organisation, whose signed {@code patient} tag names the
     * pseudonymous patient {@code patientRef}; newest first.
     */
    public List<RecordEntity> visibleOfPatient(String patientRef) {
        @SuppressWarnings("unchecked")
        List<Object> ids = em.createNativeQuery("select distinct record_id from record_patient where patient_ref = ?1")
                .setParameter(1, patientRef)
                .getResultList();
        if (ids.isEmpty()) {
            return List.of();
        }
        return em.createQuery(
                        "from RecordEntity r where r.id in :ids and r.ledgerIndex is not null and r.supersededBy is null "
                                + "order by r.createdAt desc, r.id",
                        RecordEntity.class)
                .setParameter("ids", ids.stream().map(Object::toString).toList())
                .getResultList();
    }

    /** The current version of an organisation's document, if it has one (visible or still being anchored). */
    public Optional<RecordEntity> currentVersionOf(String organisation, String documentRef) {
        return em.createQuery(
                        "from RecordEntity r where r.organisation = :o and r.documentRef = :d "
                                + "and r.supersededBy is null order by r.version desc",
                        RecordEntity.class)
                .setParameter("o", organisation)
                .setParameter("d", documentRef)
                .setMaxResults(1)
                .getResultStream()
                .findFirst();
    }

    /** Records committed but not yet anchored on the ledger (after a crash between the two). */
    public List<RecordEntity> unanchored() {
        return em.createQuery(
                        "from RecordEntity r where r.ledgerIndex is null order by r.createdAt", RecordEntity.class)
                .getResultList();
    }

    public void persist(RecordEntity record) {
        em.persist(record);
    }

    public Optional<SigningKeyEntity> signingKey(String keyId) {
        return Optional.ofNullable(em.find(SigningKeyEntity.class, keyId));
    }

    public List<SigningKeyEntity> signingKeysOf(String organisation) {
        return em.createQuery(
                        "from SigningKeyEntity k where k.organisation = :o order by k.registeredAt",
                        SigningKeyEntity.class)
                .setParameter("o", organisation)
                .getResultList();
    }

    public void persist(SigningKeyEntity key) {
        em.persist(key);
    }

    /** The hospital's number, assigned on first use (1, 2, ...). */
    public int hospitalNumber(String organisation, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object> existing = em.createNativeQuery("select number from hospital where org_id = ?1")
                .setParameter(1, organisation)
                .getResultList();
        if (!existing.isEmpty()) {
            return ((Number) existing.get(0)).intValue();
        }
        int next = ((Number) em.createNativeQuery("select coalesce(max(number), 0) + 1 from hospital")
                        .getSingleResult())
                .intValue();
        em.createNativeQuery("insert into hospital (org_id, number, created_at) values (?1, ?2, ?3)")
                .setParameter(1, organisation)
                .setParameter(2, next)
                .setParameter(3, Timestamp.from(now))
                .executeUpdate();
        return next;
    }

    /** Organisation id by hospital number. */
    public Map<Integer, String> hospitalsByNumber() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows =
                em.createNativeQuery("select number, org_id from hospital").getResultList();
        return rows.stream().collect(Collectors.toMap(r -> ((Number) r[0]).intValue(), r -> r[1].toString()));
    }
}
