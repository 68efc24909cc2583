package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

class EpochOrderTest {

    private static Event raised(String from, String to) {
        return Event.builder(EventType.EPOCH_RAISED)
                .timestamp(1)
                .id(Field.ACTOR, "regulator-nhc:rita")
                .id(Field.PREVIOUS_EPOCH, from)
                .id(Field.EPOCH, to)
                .build();
    }

    @Test
    void raisesMoveStrictlyForwardFromWhereThePreviousOneEnded() {
        EpochOrder order = new EpochOrder();
        assertNull(order.accept(raised("2026Q4", "2027Q1")));
        assertNull(order.accept(Event.organisationReinstated(2, "regulator-nhc:rita", "hospital-a")));
        assertNull(order.accept(raised("2027Q1", "2028Q3")), "a raise may skip epochs");
        assertEquals(
                "EPOCH_RAISED from 2028Q3 to 2028Q3 does not move forward", order.accept(raised("2028Q3", "2028Q3")));
        assertEquals(
                "EPOCH_RAISED from 2028Q3 to 2027Q4 does not move forward", order.accept(raised("2028Q3", "2027Q4")));
        assertEquals("EPOCH_RAISED from 2027Q1 while the epoch is 2028Q3", order.accept(raised("2027Q1", "2029Q1")));
        assertEquals(
                "EPOCH_RAISED names an epoch that is not YYYYQn: 2028Q3 -> 2029q1",
                order.accept(raised("2028Q3", "2029q1")));
        assertNull(order.accept(raised("2028Q3", "2029Q1")), "refused raises change nothing");
    }

    @Test
    void epochsAreYearAndQuarterInOneSpelling() {
        assertTrue(AttributeEpoch.parse("2027Q1").isAfter(AttributeEpoch.parse("2026Q4")));
        assertTrue(AttributeEpoch.parse("2026Q2").isAfter(AttributeEpoch.parse("2026Q1")));
        assertEquals("2026Q4", AttributeEpoch.parse("2026Q4").toString());
        for (String bad : List.of("", "2026", "2026Q0", "2026Q5", "2026q4", " 2026Q4", "26Q4", "02026Q4", "2026-Q4")) {
            assertThrows(IllegalArgumentException.class, () -> AttributeEpoch.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> AttributeEpoch.parse(null));
    }
}
