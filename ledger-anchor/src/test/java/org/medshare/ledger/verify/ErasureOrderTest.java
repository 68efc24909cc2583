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

    private static Event breakGlass(String actor, String record) {
        return Event.builder(EventType.BREAK_GLASS)
                .timestamp(4)
                .id(Field.ACTOR, actor)
                .id(Field.RECORD_ID, record)
                .id(Field.PURPOSE, "ETREAT")
                .hash(Field.REASON_HASH, HASH)
                .build();
    }

    private static Event emergencyAccess(String actor, String record) {
        return Event.builder(EventType.ACCESS)
                .timestamp(4)
                .id(Field.ACTOR, actor)
                .id(Field.RECORD_ID, record)
                .id(Field.PURPOSE, "ETREAT:consent-v1")
                .build();
    }

    @Test
    void breakGlassDirectlyFollowsTheAccessOfItsReleaseAndNeverAnErasure() {
        ErasureOrder order = new ErasureOrder();
        assertNull(order.accept(Event.upload(1, "hospital-a", "r1", HASH, HASH)));
        assertNull(order.accept(emergencyAccess("hospital-b:bob", "r1")));
        assertNull(order.accept(breakGlass("hospital-b:bob", "r1")));
        assertEquals(
                "BREAK_GLASS of record r1 by hospital-b:bob without the ACCESS of its release just before it",
                order.accept(breakGlass("hospital-b:bob", "r1")),
                "a second BREAK_GLASS has no ACCESS of its own");
        assertNull(order.accept(emergencyAccess("hospital-b:bob", "r1")));
        assertEquals(
                "BREAK_GLASS of record r1 by hospital-b:eve without the ACCESS of its release just before it",
                order.accept(breakGlass("hospital-b:eve", "r1")),
                "another clinician");
        assertNull(order.accept(access("r1")));
        assertEquals(
                "BREAK_GLASS of record r1 by clinician@hospital-a without the ACCESS of its release just before it",
                order.accept(breakGlass("clinician@hospital-a", "r1")),
                "an ACCESS for another purpose");
        assertNull(order.accept(Event.erased(5, "hospital-a", "r1")));
        assertEquals("BREAK_GLASS of record r1 after its ERASED", order.accept(breakGlass("hospital-b:bob", "r1")));
    }
}
