package org.medshare.service.queries.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.medshare.service.queries.DataUseRule;

/**
 * Data access for templates, queries, data-use rules and privacy budgets.
 * Callers own the transaction.
 */
@ApplicationScoped
public class QueryRepository {

    private final EntityManager em;

    @Inject
    QueryRepository(EntityManager em) {
        this.em = em;
    }

    public Optional<TemplateEntity> template(String id, int version) {
        return Optional.ofNullable(em.find(TemplateEntity.class, new TemplateEntity.Key(id, version)));
    }

    public List<TemplateEntity> templates() {
        return em.createQuery("from TemplateEntity t order by t.templateId, t.version", TemplateEntity.class)
                .getResultList();
    }

    public void persist(Object entity) {
        em.persist(entity);
    }

    public Optional<QueryEntity> query(String id) {
        return Optional.ofNullable(em.find(QueryEntity.class, id));
    }

    /**
     * The query, its row locked until the current transaction ends, so that of two concurrent decisions on one
     * query the second reads the first's outcome.
     */
    public Optional<QueryEntity> queryForDecision(String id) {
        return Optional.ofNullable(em.find(QueryEntity.class, id, LockModeType.PESSIMISTIC_WRITE));
    }

    /** Queries visible to an insurer (its own), or every query when {@code insurer} is null. */
    public List<QueryEntity> queries(String insurer, int offset, int limit) {
        String where = insurer == null ? "" : " where q.insurer = :i";
        var q = em.createQuery("from QueryEntity q" + where + " order by q.submittedAt desc, q.id", QueryEntity.class);
        if (insurer != null) {
            q.setParameter("i", insurer);
        }
        return q.setFirstResult(offset).setMaxResults(limit).getResultList();
    }

    /** The rules a hospital has set, by purpose and template. */
    public List<DataUseRule> dataUseRules(String organisation) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select purpose, template_id from data_use_rule where org_id = ?1 order by purpose, template_id")
                .setParameter(1, organisation)
                .getResultList();
        return rows.stream()
                .map(r -> new DataUseRule(r[0].toString(), r[1].toString()))
                .toList();
    }

    /** Replaces a hospital's rules; {@code rules} holds each rule once (the table's key). */
    public void replaceDataUseRules(String organisation, Set<DataUseRule> rules) {
        em.createNativeQuery("delete from data_use_rule where org_id = ?1")
                .setParameter(1, organisation)
                .executeUpdate();
        for (DataUseRule rule : rules) {
            em.createNativeQuery("insert into data_use_rule (org_id, purpose, template_id) values (?1, ?2, ?3)")
                    .setParameter(1, organisation)
                    .setParameter(2, rule.purpose())
                    .setParameter(3, rule.template())
                    .executeUpdate();
        }
    }

    /** Every hospital's rules, by organisation. */
    public Map<String, List<DataUseRule>> allDataUseRules() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select org_id, purpose, template_id from data_use_rule")
                .getResultList();
        return rows.stream()
                .collect(Collectors.groupingBy(
                        r -> r[0].toString(),
                        TreeMap::new,
                        Collectors.mapping(
                                r -> new DataUseRule(r[1].toString(), r[2].toString()), Collectors.toList())));
    }

    /**
     * Spends {@code micros} of the insurer's budget if it allows, creating the budget with {@code limitMicros}
     * on first use. One conditional UPDATE, so concurrent approvals never overspend.
     *
     * @return true if charged
     */
    public boolean tryChargeBudget(String insurer, long micros, long limitMicros) {
        if (micros == 0) {
            return true;
        }
        openBudget(insurer, limitMicros);
        return em.createNativeQuery("update privacy_budget set spent_micros = spent_micros + ?2 "
                                + "where insurer_org = ?1 and spent_micros + ?2 <= limit_micros")
                        .setParameter(1, insurer)
                        .setParameter(2, micros)
                        .executeUpdate()
                == 1;
    }

    /**
     * Creates the insurer's budget with {@code limitMicros} unless it exists. Of two concurrent creations the second
     * fails on the key (SQLSTATE 23505) once the first commits.
     */
    public void openBudget(String insurer, long limitMicros) {
        em.createNativeQuery("insert into privacy_budget (insurer_org, limit_micros, spent_micros) "
                        + "select ?1, ?2, 0 where not exists (select 1 from privacy_budget where insurer_org = ?1)")
                .setParameter(1, insurer)
                .setParameter(2, limitMicros)
                .executeUpdate();
    }

    public void refundBudget(String insurer, long micros) {
        em.createNativeQuery("update privacy_budget set spent_micros = spent_micros - ?2 where insurer_org = ?1")
                .setParameter(1, insurer)
                .setParameter(2, micros)
                .executeUpdate();
    }

    /** {spent, limit} in micro-ε, or empty if the insurer has not spent anything yet. */
    public Optional<long[]> budget(String insurer) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery(
                        "select spent_micros, limit_micros from privacy_budget where insurer_org = ?1")
                .setParameter(1, insurer)
                .getResultList();
        return rows.stream().findFirst().map(r ->
                new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()});
    }
}
