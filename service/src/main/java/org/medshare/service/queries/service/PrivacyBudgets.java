package org.medshare.service.queries.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.ledger.event.Event;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.queries.persistence.BudgetRepository;
import org.medshare.service.queries.persistence.BudgetRepository.Budget;
import org.medshare.service.queries.persistence.BudgetRepository.Charge;
import org.medshare.service.queries.persistence.QueryRepository;
import org.medshare.service.refusal.RequestRefusedException;

/**
 * The differential-privacy budgets a query spends: its insurer's own budget (all time) and, per {@link BudgetPeriod},
 * the budget of every hospital whose records it runs over, which all insurers share.
 *
 * <p>Composition rule: basic sequential composition of ε (and of δ) per hospital per period. A query's output is
 * (ε, δ)-differentially private with respect to any one patient's rows; every patient's rows belong to one hospital's
 * dataset. Proof sketch: let D be hospital h's dataset and M₁ … Mₖ the queries of period p that read D, Mᵢ being
 * (εᵢ, δᵢ)-DP with respect to one patient (whatever the other hospitals' data, which a neighbouring D' leaves
 * unchanged). By sequential composition, the sequence (M₁ … Mₖ), each chosen adaptively after the previous outputs,
 * is (Σεᵢ, Σδᵢ)-DP with respect to any one patient of D. A query over several hospitals is charged its full ε to
 * each: a neighbouring dataset changes one patient, so one hospital, and that hospital's sum bounds the loss. Hence
 * when every hospital's charges in p stay within its limit L, every patient's privacy loss over p's queries is at
 * most L (plus Σδᵢ), whichever insurers asked. Periods do not compose with each other: the limit is per period, as
 * the hospital chose.
 *
 * <p>Guarantees: {@link #chargeWith} spends the insurer's and every hospital's ε in one transaction, each
 * by a conditional UPDATE that locks the budget's row, hospitals in name order (so two queries never deadlock): under
 * any concurrency no budget is overspent, and a refused charge (its transaction rolled back) spends nothing anywhere.
 * Every charge, the insurer's (period {@code total}) and each hospital's, is a BUDGET_CHARGED ledger event and every
 * refund a BUDGET_REFUNDED, so the offline verifier re-adds them all (BudgetOrder).
 */
@ApplicationScoped
public class PrivacyBudgets {

    /**
     * What a query is to spend.
     *
     * @param queryId       the query
     * @param queryHash     hex SHA-256 of its request
     * @param insurer       the organisation that submitted it
     * @param epsilonMicros its ε in micro-ε (0: it spends nothing)
     * @param deltaE18      its δ × 10^18 (0 for pure ε)
     * @param hospitals     the hospitals whose records it runs over
     * @param period        the name of the hospitals' budget period it is charged to
     */
    public record Plan(
            String queryId,
            String queryHash,
            String insurer,
            long epsilonMicros,
            long deltaE18,
            SortedSet<String> hospitals,
            String period) {
        public Plan {
            hospitals = new TreeSet<>(hospitals);
        }
    }

    /** One query's charge to a budget, and the ledger entries that record it and its refund. */
    public record ChargeView(
            String queryId,
            double epsilon,
            double delta,
            @Schema(nullable = true) Long chargedEntry,
            @Schema(nullable = true) Long refundedEntry,
            boolean refunded) {
        static ChargeView of(Charge c) {
            return new ChargeView(
                    c.queryId(),
                    c.epsilonMicros() / (double) PrivacyBudget.MICROS,
                    c.deltaE18() / 1e18,
                    c.chargedEntry(),
                    c.refundedEntry(),
                    c.refunded());
        }
    }

    /**
     * A budget as its owner and the regulator see it: an insurer's (no period, it spans all time) or a hospital
     * dataset's for one period, amounts in ε and in micro-ε, and the queries that charged it (refunded ones marked).
     *
     * @param warnAtPercent   the share of the limit spent at which the budget is nearly exhausted: a hospital's own
     *                        threshold, else {@value #DEFAULT_WARN_AT_PERCENT}
     * @param nearlyExhausted whether at least {@code warnAtPercent} of the limit is spent
     */
    public record BudgetView(
            String kind,
            String organisation,
            @Schema(nullable = true) String period,
            @Schema(nullable = true) Instant periodEnd,
            double limit,
            double spent,
            double remaining,
            long limitMicros,
            long spentMicros,
            long remainingMicros,
            int warnAtPercent,
            boolean nearlyExhausted,
            List<ChargeView> queries) {}

    /** The share of a budget's limit, in percent, at which it is nearly exhausted unless its hospital set another. */
    public static final int DEFAULT_WARN_AT_PERCENT = 80;

    /** SQLSTATE of a unique-key violation, the same on H2 and PostgreSQL. */
    private static final String UNIQUE_VIOLATION = "23505";

    private static final int ATTEMPTS = 5;

    private final BudgetRepository budgets;
    private final QueryRepository queries;
    private final LedgerService ledger;
    private final long insurerLimitMicros;
    private final long hospitalLimitMicros;
    private final BudgetPeriod period;
    private final Clock clock = Clock.systemUTC();

    @Inject
    PrivacyBudgets(BudgetRepository budgets, QueryRepository queries, LedgerService ledger, MedshareConfig config) {
        this.budgets = budgets;
        this.queries = queries;
        this.ledger = ledger;
        this.insurerLimitMicros = PrivacyBudget.toMicros(config.privacy().budgetPerInsurer());
        this.hospitalLimitMicros = PrivacyBudget.toMicros(config.privacy().budgetPerHospital());
        this.period = BudgetPeriod.parse(config.privacy().hospitalBudgetPeriod());
    }

    /** The limit of an insurer's budget, in micro-ε. */
    public long insurerLimitMicros() {
        return insurerLimitMicros;
    }

    /** The plan of a query's charge in the current period. */
    public Plan plan(
            String queryId,
            String queryHash,
            String insurer,
            long epsilonMicros,
            long deltaE18,
            Set<String> hospitals) {
        return new Plan(
                queryId,
                queryHash,
                insurer,
                epsilonMicros,
                deltaE18,
                new TreeSet<>(hospitals),
                period.nameOf(clock.instant()));
    }

    /**
     * Runs {@code first} and then charges the plan in one new transaction: the plan's ε from the insurer's budget and
     * from each hospital's budget for the plan's period, creating a budget at its first charge (the insurer's with its
     * configured limit, a hospital's with its own limit or the configured one); a plan of ε 0 spends nothing. Two transactions that create the same
     * budget at once (its first charge) collide on its key; the one that loses is run again, up to
     * {@value #ATTEMPTS} times in all, and finds the budget there.
     *
     * @throws RequestRefusedException from {@code first}, or {@code budget-exhausted} or
     *     {@code hospital-budget-exhausted} (naming the hospital) when a budget cannot pay; nothing was written
     */
    public void chargeWith(Plan plan, Runnable first) {
        inNewTransactionWinningFirstCharges(() -> {
            first.run();
            charge(plan);
        });
    }

    /**
     * The refusal {@link #chargeWith} would give the plan now, if any. The charge is made and rolled back in a new
     * transaction (run again, as a charge is, when it collides with a first charge of the same budget), so the answer
     * follows exactly the rules of a real charge and nothing is spent.
     */
    public Optional<RequestRefusedException> refusalOf(Plan plan) {
        try {
            inNewTransactionWinningFirstCharges(() -> {
                charge(plan);
                throw new DryRun();
            });
            throw new IllegalStateException("a dry run must end by rolling back");
        } catch (DryRun paid) {
            return Optional.empty();
        } catch (RequestRefusedException e) {
            return Optional.of(e);
        }
    }

    /** Ends a dry run: thrown inside its transaction, it rolls the transaction back. */
    private static final class DryRun extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DryRun() {
            super(null, null, false, false);
        }
    }

    /**
     * Runs {@code work} in a new transaction; when that transaction lost a race to create a budget (a unique-key
     * collision), runs it again, up to {@value #ATTEMPTS} times in all.
     */
    private static void inNewTransactionWinningFirstCharges(Runnable work) {
        for (int attempt = 1; ; attempt++) {
            try {
                QuarkusTransaction.requiringNew().run(work);
                return;
            } catch (RuntimeException e) {
                if (attempt == ATTEMPTS || !duplicateKey(e)) {
                    throw e;
                }
            }
        }
    }

    private static boolean duplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Spends the plan's ε from the insurer's budget and from each hospital's budget for the plan's period, in the
     * caller's transaction, creating a budget at its first charge (the insurer's with its configured limit, a
     * hospital's with its own limit or the configured one); a plan of ε 0 spends nothing.
     *
     * @throws RequestRefusedException {@code budget-exhausted} or {@code hospital-budget-exhausted} (naming the
     *     hospital) when a budget cannot pay: the transaction rolls back and nothing is spent
     */
    private void charge(Plan plan) {
        if (plan.epsilonMicros() == 0) {
            return;
        }
        if (!queries.tryChargeBudget(plan.insurer(), plan.epsilonMicros(), insurerLimitMicros)) {
            throw RequestRefusedException.conflict(
                    "budget-exhausted",
                    "Privacy budget exhausted",
                    "The insurer's remaining privacy budget cannot pay this query's epsilon; nothing was spent.");
        }
        budgets.recordCharge(new Charge(
                plan.queryId(),
                plan.insurer(),
                BudgetRepository.INSURER_PERIOD,
                plan.epsilonMicros(),
                plan.deltaE18(),
                queries.budget(plan.insurer()).orElseThrow()[1],
                null,
                null,
                false));
        for (String hospital : plan.hospitals()) {
            budgets.openHospitalPeriod(hospital, plan.period(), hospitalLimitMicros);
            if (!budgets.tryChargeHospital(hospital, plan.period(), plan.epsilonMicros())) {
                throw RequestRefusedException.conflict(
                        "hospital-budget-exhausted",
                        "Hospital privacy budget exhausted",
                        "The privacy budget of " + hospital + "'s dataset for " + plan.period()
                                + " cannot pay this query's epsilon; nothing was spent.");
            }
            budgets.recordCharge(new Charge(
                    plan.queryId(),
                    hospital,
                    plan.period(),
                    plan.epsilonMicros(),
                    plan.deltaE18(),
                    hospitalBudget(hospital, plan.period()).limitMicros(),
                    null,
                    null,
                    false));
        }
    }

    /**
     * Appends one BUDGET_CHARGED per budget the query was charged to, its insurer's first and then each hospital's
     * (after its QUERY_APPROVED, before its COMPUTE), and notes the entries with the charges.
     */
    public void logCharges(String queryId, String queryHash) {
        List<Charge> charges =
                new ArrayList<>(QuarkusTransaction.requiringNew().call(() -> budgets.charges(queryId, true)));
        charges.sort(Comparator.comparing((Charge c) -> !c.period().equals(BudgetRepository.INSURER_PERIOD))
                .thenComparing(Charge::organisation));
        List<Event> events = charges.stream()
                .map(c -> Event.budgetCharged(
                        clock.millis(),
                        queryId,
                        HexFormat.of().parseHex(queryHash),
                        c.organisation(),
                        c.epsilonMicros(),
                        c.deltaE18(),
                        c.period(),
                        c.limitMicros()))
                .toList();
        note(charges, ledger.appendDurably(events), false);
    }

    /**
     * Gives back, in the caller's transaction, every charge of the query not yet refunded: the insurer's and each
     * hospital's.
     *
     * @return the charges refunded, for {@link #logRefunds}
     */
    public List<Charge> refund(String queryId) {
        List<Charge> refunded = new ArrayList<>();
        for (Charge c : budgets.charges(queryId, true)) {
            if (c.refunded()) {
                continue;
            }
            if (c.period().equals(BudgetRepository.INSURER_PERIOD)) {
                queries.refundBudget(c.organisation(), c.epsilonMicros());
            } else {
                budgets.refundHospital(c.organisation(), c.period(), c.epsilonMicros());
            }
            refunded.add(c);
            budgets.markCharge(queryId, c.organisation(), true, null);
        }
        return refunded;
    }

    /** Appends one BUDGET_REFUNDED per refunded charge and notes the entries with the charges. */
    public void logRefunds(String queryHash, List<Charge> refunded) {
        List<Event> events = refunded.stream()
                .map(c -> Event.budgetRefunded(
                        clock.millis(),
                        c.queryId(),
                        HexFormat.of().parseHex(queryHash),
                        c.organisation(),
                        c.epsilonMicros(),
                        c.deltaE18(),
                        c.period(),
                        c.limitMicros()))
                .toList();
        note(refunded, ledger.appendDurably(events), true);
    }

    /**
     * Sets the calling hospital's own limit per period, in force from the next period it has not been charged in
     * (a period's limit is fixed at its first charge).
     */
    public BudgetView setOwnLimit(Caller hospital, double epsilon) {
        long micros;
        try {
            micros = PrivacyBudget.toMicros(epsilon);
        } catch (IllegalArgumentException e) {
            throw RequestRefusedException.invalid(
                    "invalid-budget", "Invalid budget", "limit must be an epsilon between 0.000001 and 1000000.");
        }
        QuarkusTransaction.requiringNew().run(() -> budgets.setOwnLimit(hospital.organisation(), micros));
        return current(hospital.organisation());
    }

    /**
     * Sets the share of the calling hospital's budget, in percent (1 to 100), at which its budget is shown as nearly
     * exhausted, from now on.
     */
    public BudgetView setWarning(Caller hospital, int percent) {
        if (percent < 1 || percent > 100) {
            throw RequestRefusedException.invalid(
                    "invalid-budget-warning",
                    "Invalid budget warning",
                    "warnAtPercent must be a whole percentage of the limit, 1 to 100.");
        }
        QuarkusTransaction.requiringNew().run(() -> budgets.setWarning(hospital.organisation(), percent));
        return current(hospital.organisation());
    }

    /**
     * The budgets the caller may see: an insurer its own, a hospital its dataset's (every period charged so far, and
     * the current one), the regulator every insurer's and hospital's.
     */
    public List<BudgetView> visibleTo(Caller caller) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<BudgetView> out = new ArrayList<>();
            if (caller.roles().contains("regulator")) {
                for (Budget b : budgets.insurerBudgets()) {
                    out.add(insurerView(b));
                }
                for (Budget b : budgets.hospitalBudgets(null)) {
                    out.add(hospitalView(b));
                }
                return out;
            }
            if (caller.roles().contains("insurer")) {
                String insurer = caller.organisation();
                out.add(insurerView(queries.budget(insurer)
                        .map(b -> new Budget(insurer, BudgetRepository.INSURER_PERIOD, b[0], b[1]))
                        .orElse(new Budget(insurer, BudgetRepository.INSURER_PERIOD, 0, insurerLimitMicros))));
            }
            if (caller.roles().contains("hospital")) {
                String hospital = caller.organisation();
                String now = period.nameOf(clock.instant());
                List<Budget> own = new ArrayList<>(budgets.hospitalBudgets(hospital));
                if (own.stream().noneMatch(b -> b.period().equals(now))) {
                    own.add(new Budget(
                            hospital, now, 0, budgets.ownLimit(hospital).orElse(hospitalLimitMicros)));
                }
                own.forEach(b -> out.add(hospitalView(b)));
            }
            return out;
        });
    }

    private BudgetView current(String hospital) {
        String now = period.nameOf(clock.instant());
        return visibleTo(new Caller(hospital, new TreeSet<>(Set.of("hospital")), hospital, new TreeSet<>())).stream()
                .filter(v -> now.equals(v.period()))
                .findFirst()
                .orElseThrow();
    }

    private Budget hospitalBudget(String hospital, String name) {
        return budgets.hospitalBudgets(hospital).stream()
                .filter(b -> b.period().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private BudgetView insurerView(Budget b) {
        return view("insurer", b, null, null);
    }

    private BudgetView hospitalView(Budget b) {
        return view("hospital", b, b.period(), BudgetPeriod.endOf(b.period()));
    }

    private BudgetView view(String kind, Budget b, String periodName, Instant end) {
        List<ChargeView> charges = budgets.charges(b.organisation(), false).stream()
                .filter(c -> c.period().equals(b.period()))
                .map(ChargeView::of)
                .toList();
        double m = PrivacyBudget.MICROS;
        long remaining = b.limitMicros() - b.spentMicros();
        int warnAt = kind.equals("hospital")
                ? budgets.warning(b.organisation()).orElse(DEFAULT_WARN_AT_PERCENT)
                : DEFAULT_WARN_AT_PERCENT;
        return new BudgetView(
                kind,
                b.organisation(),
                periodName,
                end,
                b.limitMicros() / m,
                b.spentMicros() / m,
                remaining / m,
                b.limitMicros(),
                b.spentMicros(),
                remaining,
                warnAt,
                b.spentMicros() * 100 >= (long) warnAt * b.limitMicros(),
                charges);
    }

    private void note(List<Charge> charges, List<Long> entries, boolean refund) {
        for (int i = 0; i < charges.size(); i++) {
            Charge c = charges.get(i);
            long entry = entries.get(i);
            QuarkusTransaction.requiringNew()
                    .run(() -> budgets.markCharge(c.queryId(), c.organisation(), refund, entry));
        }
    }
}
