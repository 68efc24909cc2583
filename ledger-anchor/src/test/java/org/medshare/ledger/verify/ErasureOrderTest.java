package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

class ErasureOrderTest {
    private static final byte[] HASH = new byte[32];

    private static Event access(String record) {
        return Event.builder(EventType.ACCESS)
                .timestamp(3)
                .id(Field.ACTOR, "clinician@hospital-a")
                .id(Field.RECORD_ID, record)
                .id(Field.PURPOSE, "treatment")
                .build();
    }

    @Test
    void erasureFollowsItsUploadAndNothingReadsTheRecordAfterwards() {
        ErasureOrder order = new ErasureOrder();
        assertNull(order.accept(Event.upload(1, "hospital-a", "r1", HASH, HASH)));
        assertNull(order.accept(access("r1")));
        assertNull(order.accept(Event.erased(2, "hospital-a", "r1")));
        assertNull(order.accept(access("r2")), "another record stays readable");
        assertEquals("ACCESS of record r1 after its ERASED", order.accept(access("r1")));
        assertEquals("ERASED of record r1 a second time", order.accept(Event.erased(4, "hospital-a", "r1")));
        assertEquals(
                "ERASED of record r9, which no earlier UPLOAD stored",
                order.accept(Event.erased(5, "hospital-a", "r9")));
    }
}
