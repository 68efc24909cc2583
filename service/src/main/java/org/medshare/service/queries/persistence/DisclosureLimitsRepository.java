package org.medshare.service.queries.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/** Data access for the hospitals' own disclosure limits, through JPA only. Callers own the transaction. */
@ApplicationScoped
public class DisclosureLimitsRepository {

    private final EntityManager em;

    @Inject
    DisclosureLimitsRepository(EntityManager em) {
        this.em = em;
    }

    /** The organisation's limits, if it set any. */
    public Optional<DisclosureLimitsEntity> of(String organisation) {
        return Optional.ofNullable(em.find(DisclosureLimitsEntity.class, organisation));
    }

    /** Stores new limits of an organisation that has none yet. */
    public void add(DisclosureLimitsEntity limits) {
        em.persist(limits);
    }

    /** Every organisation's limits, by organisation. */
    public List<DisclosureLimitsEntity> all() {
        return em.createQuery("from DisclosureLimitsEntity l order by l.organisation", DisclosureLimitsEntity.class)
                .getResultList();
    }
}
