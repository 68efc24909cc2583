package org.medshare.service.identity.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/** Data access for {@link PartyEntity}; callers own the transaction. */
@ApplicationScoped
public class PartyRepository {

    private final EntityManager em;

    @Inject
    PartyRepository(EntityManager em) {
        this.em = em;
    }

    public Optional<PartyEntity> find(String subject, String organisation) {
        return em.createQuery("from PartyEntity p where p.subject = :s and p.organisation = :o", PartyEntity.class)
                .setParameter("s", subject)
                .setParameter("o", organisation)
                .getResultStream()
                .findFirst();
    }

    public List<PartyEntity> all() {
        return em.createQuery("from PartyEntity p order by p.organisation, p.subject", PartyEntity.class)
                .getResultList();
    }

    public void persist(PartyEntity party) {
        em.persist(party);
    }

    public long count() {
        return em.createQuery("select count(p) from PartyEntity p", Long.class).getSingleResult();
    }
}
