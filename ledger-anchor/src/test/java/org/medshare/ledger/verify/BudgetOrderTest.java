package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.SaltedHash;

class BudgetOrderTest {

    static byte[] hash(String query) {
        return SaltedHash.sha256(query.getBytes());
    }

    static Event approved(String query) {
        return Event.queryApproved(1, "regulator-nhc", query, hash(query));
    }

    static Event submitted(String query) {
        return Event.builder(EventType.QUERY_SUBMITTED)
                .timestamp(1)
                .id(Field.ACTOR, "insurer-x")
                .id(Field.QUERY_ID, query)
                .hash(Field.QUERY_HASH, hash(query))
                .build();
    }

    /** QUERY_SUBMITTED and QUERY_APPROVED of {@code query}, and its charge of 1 micro-ε to its insurer's large budget. */
    static List<Event> opening(String query) {
        return List.of(submitted(query), approved(query), charged(query, "insurer-x", 1, "total", 1_000_000_000));
    }

    static void open(BudgetOrder order, String query) {
        for (Event e : opening(query)) {
            assertNull(order.accept(e));
        }
    }

    static Event charged(String query, String hospital, long epsilon, String period, long limit) {
        return Event.budgetCharged(2, query, hash(query), hospital, epsilon, 0, period, limit);
    }

    static Event refunded(String query, String hospital, long epsilon, String period, long limit) {
        return Event.budgetRefunded(3, query, hash(query), hospital, epsilon, 0, period, limit);
    }

    static Event compute(String query) {
        return Event.builder(EventType.COMPUTE)
                .timestamp(4)
                .id(Field.ACTOR, "enclave")
                .id(Field.QUERY_ID, query)
                .hash(Field.QUERY_HASH, hash(query))
                .hash(Field.INPUT_ROOT, hash("in"))
                .hash(Field.RESULT_HASH, hash("out"))
                .hash(Field.MEASUREMENT, hash("m"))
                .amount(Field.RECORD_COUNT, 3)
                .build();
    }

    @Test
    void chargesOfAllQueriesAddUpPerHospitalAndPeriodUpToTheLimit() {
        BudgetOrder order = new BudgetOrder();
        open(order, "q-1");
        assertNull(order.accept(charged("q-1", "hospital-a", 600_000, "2026-12", 1_000_000)));
        assertNull(order.accept(charged("q-1", "hospital-b", 600_000, "2026-12", 1_000_000)));
        assertNull(order.accept(compute("q-1")));
        open(order, "q-2");
        assertNull(order.accept(charged("q-2", "hospital-a", 400_000, "2026-12", 1_000_000)), "exactly the limit");
        open(order, "q-3");
        assertEquals(
                "BUDGET_CHARGED of q-3 to hospital-a for 2026-12 spends 1 micro-epsilon with 1000000 of 1000000"
                        + " already spent",
                order.accept(charged("q-3", "hospital-a", 1, "2026-12", 1_000_000)));
        assertNull(order.accept(charged("q-3", "hospital-a", 1, "2027-01", 1_000_000)), "a new period starts afresh");
        assertNull(order.accept(charged("q-3", "hospital-b", 400_000, "2026-12", 1_000_000)));
        assertEquals(5 + 3, order.charges(), "five hospital charges and three of the insurer");
    }

    @Test
    void aRefundGivesBackItsChargeOnceAndOnlyBeforeTheComputation() {
        BudgetOrder order = new BudgetOrder();
        open(order, "q-1");
        assertNull(order.accept(charged("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertNull(order.accept(refunded("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertEquals(
                "BUDGET_REFUNDED of q-1 to hospital-a without an outstanding BUDGET_CHARGED of the query to the"
                        + " hospital",
                order.accept(refunded("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertEquals("COMPUTE of q-1 after its budget was refunded", order.accept(compute("q-1")));
        open(order, "q-2");
        assertNull(
                order.accept(charged("q-2", "hospital-a", 1_000_000, "2026-12", 1_000_000)),
                "the refund gave the epsilon back");
        assertEquals(
                "BUDGET_REFUNDED of q-2 to hospital-a differs from its BUDGET_CHARGED in EPSILON",
                order.accept(refunded("q-2", "hospital-a", 999_999, "2026-12", 1_000_000)));
        assertEquals(
                "BUDGET_REFUNDED of q-2 to hospital-b without an outstanding BUDGET_CHARGED of the query to the"
                        + " hospital",
                order.accept(refunded("q-2", "hospital-b", 1_000_000, "2026-12", 1_000_000)));
        assertNull(order.accept(compute("q-2")));
        assertEquals(
                "BUDGET_REFUNDED of q-2 to hospital-a after the query's COMPUTE",
                order.accept(refunded("q-2", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
    }

    @Test
    void aChargeNeedsItsApprovalComesBeforeTheComputationAndKeepsThePeriodsLimit() {
        BudgetOrder order = new BudgetOrder();
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 without an earlier QUERY_APPROVED of the query",
                order.accept(charged("q-1", "hospital-a", 5, "2026-12", 10)));
        open(order, "q-1");
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 names another query hash than its QUERY_APPROVED",
                order.accept(Event.budgetCharged(2, "q-1", hash("q-9"), "hospital-a", 5, 0, "2026-12", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-13: the period is neither total nor YYYY, YYYY-MM or"
                        + " YYYY-MM-DD",
                order.accept(charged("q-1", "hospital-a", 5, "2026-13", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 charges no epsilon",
                order.accept(charged("q-1", "hospital-a", 0, "2026-12", 10)));
        assertNull(order.accept(charged("q-1", "hospital-a", 5, "2026-12", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12, which the query already charged",
                order.accept(charged("q-1", "hospital-a", 1, "2026-12", 10)));
        open(order, "q-2");
        assertEquals(
                "BUDGET_CHARGED of q-2 to hospital-a for 2026-12 names limit 20 but the period's limit is 10",
                order.accept(charged("q-2", "hospital-a", 5, "2026-12", 20)));
        assertNull(order.accept(compute("q-2")));
        assertEquals(
                "BUDGET_CHARGED of q-2 to hospital-a for 2026-12 after the query's COMPUTE",
                order.accept(charged("q-2", "hospital-a", 5, "2026-12", 10)));
        assertNull(order.accept(charged("q-1", "hospital-b", 5, "2026", 10)));
        assertNull(order.accept(charged("q-1", "hospital-c", 5, "2026-12-31", 10)));
    }

    @Test
    void aQueryPaysFromItsInsurersOwnBudgetFirstAndOnlyItsInsurerIsChargedForTotal() {
        BudgetOrder order = new BudgetOrder();
        assertNull(order.accept(submitted("q-1")));
        assertNull(order.accept(approved("q-1")));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 before the query's insurer was charged",
                order.accept(charged("q-1", "hospital-a", 5, "2026-12", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to insurer-y for total: only the query's insurer (insurer-x) is charged for"
                        + " total",
                order.accept(charged("q-1", "insurer-y", 5, "total", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for total: only the query's insurer (insurer-x) is charged for"
                        + " total",
                order.accept(charged("q-1", "hospital-a", 5, "total", 10)));
        assertNull(order.accept(charged("q-1", "insurer-x", 6, "total", 10)));
        assertNull(order.accept(charged("q-1", "hospital-a", 6, "2026-12", 10)));

        assertNull(order.accept(approved("q-2")));
        assertEquals(
                "BUDGET_CHARGED of q-2 to insurer-x for total: only the query's insurer (no QUERY_SUBMITTED names one)"
                        + " is charged for total",
                order.accept(charged("q-2", "insurer-x", 1, "total", 10)));

        // the insurer's own budget is re-added over all its queries, whatever the hospitals' periods
        assertNull(order.accept(submitted("q-3")));
        assertNull(order.accept(approved("q-3")));
        assertEquals(
                "BUDGET_CHARGED of q-3 to insurer-x for total spends 5 micro-epsilon with 6 of 10 already spent",
                order.accept(charged("q-3", "insurer-x", 5, "total", 10)));
        assertNull(order.accept(refunded("q-1", "hospital-a", 6, "2026-12", 10)));
        assertNull(order.accept(refunded("q-1", "insurer-x", 6, "total", 10)));
        assertNull(order.accept(charged("q-3", "insurer-x", 5, "total", 10)), "the refund gave the insurer's back");
    }
}
