package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
        assertNull(order.accept(approved("q-1")));
        assertNull(order.accept(charged("q-1", "hospital-a", 600_000, "2026-12", 1_000_000)));
        assertNull(order.accept(charged("q-1", "hospital-b", 600_000, "2026-12", 1_000_000)));
        assertNull(order.accept(compute("q-1")));
        assertNull(order.accept(approved("q-2")));
        assertNull(order.accept(charged("q-2", "hospital-a", 400_000, "2026-12", 1_000_000)), "exactly the limit");
        assertNull(order.accept(approved("q-3")));
        assertEquals(
                "BUDGET_CHARGED of q-3 to hospital-a for 2026-12 spends 1 micro-epsilon with 1000000 of 1000000"
                        + " already spent",
                order.accept(charged("q-3", "hospital-a", 1, "2026-12", 1_000_000)));
        assertNull(order.accept(charged("q-3", "hospital-a", 1, "2027-01", 1_000_000)), "a new period starts afresh");
        assertNull(order.accept(charged("q-3", "hospital-b", 400_000, "2026-12", 1_000_000)));
        assertEquals(5, order.charges());
    }

    @Test
    void aRefundGivesBackItsChargeOnceAndOnlyBeforeTheComputation() {
        BudgetOrder order = new BudgetOrder();
        assertNull(order.accept(approved("q-1")));
        assertNull(order.accept(charged("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertNull(order.accept(refunded("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertEquals(
                "BUDGET_REFUNDED of q-1 to hospital-a without an outstanding BUDGET_CHARGED of the query to the"
                        + " hospital",
                order.accept(refunded("q-1", "hospital-a", 1_000_000, "2026-12", 1_000_000)));
        assertEquals("COMPUTE of q-1 after its budget was refunded", order.accept(compute("q-1")));
        assertNull(order.accept(approved("q-2")));
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
        assertNull(order.accept(approved("q-1")));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 names another query hash than its QUERY_APPROVED",
                order.accept(Event.budgetCharged(2, "q-1", hash("q-9"), "hospital-a", 5, 0, "2026-12", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-13: the period is not YYYY, YYYY-MM or YYYY-MM-DD",
                order.accept(charged("q-1", "hospital-a", 5, "2026-13", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12 charges no epsilon",
                order.accept(charged("q-1", "hospital-a", 0, "2026-12", 10)));
        assertNull(order.accept(charged("q-1", "hospital-a", 5, "2026-12", 10)));
        assertEquals(
                "BUDGET_CHARGED of q-1 to hospital-a for 2026-12, which the query already charged",
                order.accept(charged("q-1", "hospital-a", 1, "2026-12", 10)));
        assertNull(order.accept(approved("q-2")));
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
}
