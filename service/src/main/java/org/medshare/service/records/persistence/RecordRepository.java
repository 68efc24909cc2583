package org.medshare.service.records.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.sql.Timestamp;
import java.time.Instant;
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
        return em.createQuery("from RecordEntity r where r.organisation = :o and r.idempotencyKey = :k", RecordEntity.class)
                .setParameter("o", organisation).setParameter("k", key)
                .getResultStream().findFirst();
    }

    public Optional<RecordEntity> byId(String id) {
        return Optional.ofNullable(em.find(RecordEntity.class, id));
    }

    /** Visible records of an organisation (anchored on the ledger), newest first. */
    public List<RecordEntity> visibleOf(String organisation, int offset, int limit) {
        return em.createQuery("from RecordEntity r where r.organisation = :o and r.ledgerIndex is not null "
                        + "order by r.createdAt desc, r.id", RecordEntity.class)
                .setParameter("o", organisation).setFirstResult(offset).setMaxResults(limit)
                .getResultList();
    }

    /** Every visible record, oldest first. */
    public List<RecordEntity> visible() {
        return em.createQuery("from RecordEntity r where r.ledgerIndex is not null order by r.createdAt, r.id",
                RecordEntity.class).getResultList();
    }

    /** Records committed but not yet anchored on the ledger (after a crash between the two). */
    public List<RecordEntity> unanchored() {
        return em.createQuery("from RecordEntity r where r.ledgerIndex is null order by r.createdAt", RecordEntity.class)
                .getResultList();
    }

    public void persist(RecordEntity record) {
        em.persist(record);
    }

    public Optional<SigningKeyEntity> signingKey(String keyId) {
        return Optional.ofNullable(em.find(SigningKeyEntity.class, keyId));
    }

    public List<SigningKeyEntity> signingKeysOf(String organisation) {
        return em.createQuery("from SigningKeyEntity k where k.organisation = :o order by k.registeredAt",
                        SigningKeyEntity.class)
                .setParameter("o", organisation).getResultList();
    }

    public void persist(SigningKeyEntity key) {
        em.persist(key);
    }

    /** The hospital's number, assigned on first use (1, 2, ...). */
    public int hospitalNumber(String organisation, Instant now) {
        @SuppressWarnings("unchecked")
        List<Object> existing = em.createNativeQuery("select number from hospital where org_id = ?1")
                .setParameter(1, organisation).getResultList();
        if (!existing.isEmpty()) {
            return ((Number) existing.get(0)).intValue();
        }
        int next = ((Number) em.createNativeQuery("select coalesce(max(number), 0) + 1 from hospital")
                .getSingleResult()).intValue();
        em.createNativeQuery("insert into hospital (org_id, number, created_at) values (?1, ?2, ?3)")
                .setParameter(1, organisation).setParameter(2, next).setParameter(3, Timestamp.from(now)).executeUpdate();
        return next;
    }

    /** Organisation id by hospital number. */
    public Map<Integer, String> hospitalsByNumber() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select number, org_id from hospital").getResultList();
        return rows.stream().collect(Collectors.toMap(r -> ((Number) r[0]).intValue(), r -> r[1].toString()));
    }
}
