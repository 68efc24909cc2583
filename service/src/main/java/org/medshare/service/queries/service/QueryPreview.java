package org.medshare.service.queries.service;

import java.math.BigInteger;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.stats.PrivacyBudget;
import org.medshare.enclave.stats.ReleasePlan;

/**
 * What approving a request would do if the regulator approved it now, told to the insurer before it submits: whose
 * records it would run over, what it would release and with what noise, what it would cost, and what would refuse
 * it. Nothing is read from any record, charged, stored or logged to compute it, and it promises nothing: rules,
 * budgets, escrow and records may change before the approval.
 *
 * @param templateHash the content hash of the template version, which a hospital approves by content
 * @param hospitals    every hospital with records the template's purpose may open, and whether its data-use rules let
 *                     this template read them
 * @param price        the most the run can cost, in whole currency units: the escrow must cover every record the
 *                     purpose may open, as at approval; the insurer pays only for records used
 * @param release      what the enclave would release; null when a hospital's own limits refuse the query
 * @param blockers     what would refuse the query now, or leave it no record to run over; empty when nothing would
 */
public record QueryPreview(
        String templateId,
        int templateVersion,
        String templateHash,
        List<Hospital> hospitals,
        BigInteger price,
        boolean escrowSufficient,
        @Schema(nullable = true) Release release,
        List<Blocker> blockers,
        boolean blocked) {

    public QueryPreview {
        hospitals = List.copyOf(hospitals);
        blockers = List.copyOf(blockers);
        if (blocked != !blockers.isEmpty()) {
            throw new IllegalArgumentException("blocked must say whether there are blockers");
        }
    }

    /**
     * A hospital whose records the template's purpose may open.
     *
     * @param records   how many of its records the purpose may open, before the patients' consent is decided
     * @param permitted whether its data-use rules let this template read them (by id, the whole purpose, or this
     *                  content hash)
     */
    public record Hospital(String hospital, long records, boolean permitted) {}

    /**
     * What the enclave would release: a value is withheld when fewer than {@code minGroupSize} distinct patients are
     * behind it, each patient counts with at most {@code maxRowsPerPatient} rows, and each noised base value gets the
     * listed noise (empty without ε). These are the most restrictive of the template's and the hospitals' own limits.
     *
     * @param noise per base value: the mechanism, its scale, and the half-width within which the released value lies
     *              of the true one with 95% probability
     */
    public record Release(
            int minGroupSize, int maxRowsPerPatient, double epsilon, List<ReleasePlan.NoisedValue> noise) {

        static Release of(ReleasePlan plan) {
            return new Release(
                    plan.minGroupSize(),
                    plan.maxRowsPerPatient(),
                    plan.epsilonMicros() / (double) PrivacyBudget.MICROS,
                    plan.noise());
        }
    }

    /**
     * A reason the query would be refused now, or would run over no record.
     *
     * @param type   the problem type the approval would answer with ({@code insufficient-escrow},
     *               {@code budget-exhausted}, {@code hospital-budget-exhausted}, {@code hospital-limit}) or
     *               {@code no-hospital-permits} when no hospital's data-use rules let the template read its records
     * @param detail in words, naming the hospital where one is the reason
     */
    public record Blocker(String type, String detail) {}
}
