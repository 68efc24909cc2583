package org.medshare.service.queries.persistence;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;

/**
 * Data access for the hospitals' per-period privacy budgets, the hospitals' own limits and the charges of queries
 * to any budget (an insurer's under period {@link #INSURER_PERIOD}). Every statement is portable between H2 and
 * PostgreSQL. Callers own the transaction.
 */
@ApplicationScoped
public class BudgetRepository {

    /** The period of an insurer's charges: its budget spans all time. */
    public static final String INSURER_PERIOD = "total";

    /**
     * One charge of a query to a budget.
     *
     * @param chargedEntry  the ledger entry recording it, or null until appended
     * @param refundedEntry the ledger entry recording its refund, or null
     */
    public record Charge(
            String queryId,
            String organisation,
            String period,
            long epsilonMicros,
            long deltaE18,
            long limitMicros,
            Long chargedEntry,
            Long refundedEntry,
            boolean refunded) {}

    /** A budget: micro-ε spent of the limit, for an organisation and period. */
    public record Budget(String organisation, String period, long spentMicros, long limitMicros) {}

    private final EntityManager em;

    @Inject
    BudgetRepository(EntityManager em) {
        this.em = em;
    }

    /**
     * Creates the hospital's budget for {@code period} unless it exists, with the hospital's own limit if it set one
     * and {@code defaultLimitMicros} otherwise. Of two concurrent creations of one budget the second fails on the key
     * (SQLSTATE 23505) once the first commits.
     */
    public void openHospitalPeriod(String hospital, String period, long defaultLimitMicros) {
        em.createNativeQuery("insert into hospital_budget (org_id, period, limit_micros, spent_micros) select ?1, ?2,"
                        + " coalesce((select l.limit_micros from hospital_budget_limit l where l.org_id = ?1), ?3), 0"
                        + " where not exists (select 1 from hospital_budget b where b.org_id = ?1 and b.period = ?2)")
                .setParameter(1, hospital)
                .setParameter(2, period)
                .setParameter(3, defaultLimitMicros)
                .executeUpdate();
    }

    /**
     * Spends {@code micros} of the hospital's budget for {@code period} if it allows: one conditional UPDATE, which
     * locks the row until the transaction ends, so concurrent charges never overspend.
     *
     * @return true if charged; false if the budget does not exist or cannot pay
     */
    public boolean tryChargeHospital(String hospital, String period, long micros) {
        return em.createNativeQuery("update hospital_budget set spent_micros = spent_micros + ?3"
                                + " where org_id = ?1 and period = ?2 and spent_micros + ?3 <= limit_micros")
                        .setParameter(1, hospital)
                        .setParameter(2, period)
                        .setParameter(3, micros)
                        .executeUpdate()
                == 1;
    }

    /** Gives {@code micros} back to the hospital's budget for {@code period}. */
    public void refundHospital(String hospital, String period, long micros) {
        em.createNativeQuery("update hospital_budget set spent_micros = spent_micros - ?3"
                        + " where org_id = ?1 and period = ?2")
                .setParameter(1, hospital)
                .setParameter(2, period)
                .setParameter(3, micros)
                .executeUpdate();
    }

    /** The hospitals' budgets, of one hospital or of all when {@code hospital} is null, by hospital and period. */
    public List<Budget> hospitalBudgets(String hospital) {
        String where = hospital == null ? "" : " where org_id = ?1";
        var q = em.createNativeQuery("select org_id, period, spent_micros, limit_micros from hospital_budget" + where
                + " order by org_id, period");
        if (hospital != null) {
            q.setParameter(1, hospital);
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = q.getResultList();
        return rows.stream().map(BudgetRepository::budget).toList();
    }

    /** Every insurer's budget (those that spent something), by insurer. */
    public List<Budget> insurerBudgets() {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select insurer_org, '" + INSURER_PERIOD
                        + "', spent_micros, limit_micros from privacy_budget order by insurer_org")
                .getResultList();
        return rows.stream().map(BudgetRepository::budget).toList();
    }

    /** Sets the hospital's own limit for the periods it has not been charged in yet. */
    public void setOwnLimit(String hospital, long limitMicros) {
        em.createNativeQuery("delete from hospital_budget_limit where org_id = ?1")
                .setParameter(1, hospital)
                .executeUpdate();
        em.createNativeQuery("insert into hospital_budget_limit (org_id, limit_micros) values (?1, ?2)")
                .setParameter(1, hospital)
                .setParameter(2, limitMicros)
                .executeUpdate();
    }

    /** The hospital's own limit, if it set one. */
    public Optional<Long> ownLimit(String hospital) {
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery("select limit_micros from hospital_budget_limit where org_id = ?1")
                .setParameter(1, hospital)
                .getResultList();
        return rows.stream().findFirst().map(r -> ((Number) r).longValue());
    }

    /** Sets the share of the hospital's budget, in percent, at which it is nearly exhausted. */
    public void setWarning(String hospital, int percent) {
        em.createNativeQuery("delete from budget_warning where org_id = ?1")
                .setParameter(1, hospital)
                .executeUpdate();
        em.createNativeQuery("insert into budget_warning (org_id, warn_at_percent) values (?1, ?2)")
                .setParameter(1, hospital)
                .setParameter(2, percent)
                .executeUpdate();
    }

    /** The hospital's warning threshold in percent, if it set one. */
    public Optional<Integer> warning(String hospital) {
        @SuppressWarnings("unchecked")
        List<Object> rows = em.createNativeQuery("select warn_at_percent from budget_warning where org_id = ?1")
                .setParameter(1, hospital)
                .getResultList();
        return rows.stream().findFirst().map(r -> ((Number) r).intValue());
    }

    /** Records a charge (not yet on the ledger). */
    public void recordCharge(Charge charge) {
        em.createNativeQuery("insert into budget_charge (query_id, org_id, period, epsilon_micros, delta_e18,"
                        + " limit_micros, charged_entry, refunded_entry, refunded) values (?1, ?2, ?3, ?4, ?5, ?6,"
                        + " null, null, false)")
                .setParameter(1, charge.queryId())
                .setParameter(2, charge.organisation())
                .setParameter(3, charge.period())
                .setParameter(4, charge.epsilonMicros())
                .setParameter(5, charge.deltaE18())
                .setParameter(6, charge.limitMicros())
                .executeUpdate();
    }

    /**
     * Notes the ledger entry of a charge ({@code refund} false) or of its refund ({@code refund} true), or, with
     * {@code entry} null, that the charge was refunded (before its refund's entry is known).
     */
    public void markCharge(String queryId, String organisation, boolean refund, Long entry) {
        String set = entry == null ? "refunded = true" : refund ? "refunded_entry = ?3" : "charged_entry = ?3";
        var update = em.createNativeQuery("update budget_charge set " + set + " where query_id = ?1 and org_id = ?2")
                .setParameter(1, queryId)
                .setParameter(2, organisation);
        if (entry != null) {
            update.setParameter(3, entry);
        }
        update.executeUpdate();
    }

    /** The charges of one query ({@code byQuery}) or to one organisation's budgets, oldest entry first. */
    public List<Charge> charges(String id, boolean byQuery) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("select query_id, org_id, period, epsilon_micros, delta_e18,"
                        + " limit_micros, charged_entry, refunded_entry, refunded from budget_charge where "
                        + (byQuery ? "query_id" : "org_id") + " = ?1 order by charged_entry, query_id, org_id")
                .setParameter(1, id)
                .getResultList();
        return rows.stream()
                .map(r -> new Charge(
                        r[0].toString(),
                        r[1].toString(),
                        r[2].toString(),
                        ((Number) r[3]).longValue(),
                        ((Number) r[4]).longValue(),
                        ((Number) r[5]).longValue(),
                        r[6] == null ? null : ((Number) r[6]).longValue(),
                        r[7] == null ? null : ((Number) r[7]).longValue(),
                        Boolean.TRUE.equals(r[8])))
                .toList();
    }

    private static Budget budget(Object[] r) {
        return new Budget(r[0].toString(), r[1].toString(), ((Number) r[2]).longValue(), ((Number) r[3]).longValue());
    }
}
