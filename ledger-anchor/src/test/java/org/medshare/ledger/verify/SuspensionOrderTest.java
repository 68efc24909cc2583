package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.ledger.event.HospitalDisclosureLimits;

class SuspensionOrderTest {
    private static final byte[] HASH = new byte[32];

    private static Event access(String actor) {
        return Event.builder(EventType.ACCESS)
                .timestamp(3)
                .id(Field.ACTOR, actor)
                .id(Field.RECORD_ID, "r1")
                .id(Field.PURPOSE, "ciphertext-download")
                .build();
    }

    @Test
    void aSuspendedOrganisationActsInNothingUntilReinstated() {
        SuspensionOrder order = new SuspensionOrder();
        assertNull(order.accept(Event.upload(1, "hospital-a", "r1", HASH, HASH)));
        assertNull(order.accept(Event.organisationSuspended(2, "regulator-nhc:rita", "hospital-a", "investigation")));
        assertEquals(
                "UPLOAD by hospital-a while hospital-a is suspended",
                order.accept(Event.upload(3, "hospital-a", "r2", HASH, HASH)));
        assertEquals(
                "ACCESS by hospital-a:alice while hospital-a is suspended", order.accept(access("hospital-a:alice")));
        assertNull(order.accept(access("hospital-b:bob")), "other organisations go on");
        assertEquals(
                "BREAK_GLASS by hospital-a:alice while hospital-a is suspended",
                order.accept(Event.builder(EventType.BREAK_GLASS)
                        .timestamp(3)
                        .id(Field.ACTOR, "hospital-a:alice")
                        .id(Field.RECORD_ID, "r1")
                        .id(Field.PURPOSE, "ETREAT")
                        .hash(Field.REASON_HASH, HASH)
                        .build()));
        assertNull(
                order.accept(Event.payment(4, "insurer-x", "hospital-a", "q1", 10, 1, HASH)),
                "payouts for earlier work are not the organisation's act");
        assertEquals(
                "ORGANISATION_SUSPENDED of hospital-a, which is already suspended",
                order.accept(Event.organisationSuspended(5, "regulator-nhc:rita", "hospital-a", "investigation")));
        assertNull(order.accept(Event.organisationReinstated(6, "regulator-nhc:rita", "hospital-a")));
        assertNull(order.accept(Event.upload(7, "hospital-a", "r3", HASH, HASH)));
        assertEquals(
                "ORGANISATION_REINSTATED of hospital-a, which is not suspended",
                order.accept(Event.organisationReinstated(8, "regulator-nhc:rita", "hospital-a")));
    }

    @Test
    void aSuspendedRegulatorRaisesNoEpoch() {
        SuspensionOrder order = new SuspensionOrder();
        AttributeEpoch from = AttributeEpoch.parse("2026Q4");
        AttributeEpoch to = AttributeEpoch.parse("2027Q1");
        assertNull(order.accept(Event.organisationSuspended(1, "regulator-nhc:rita", "regulator-sh", "rule-breach")));
        assertEquals(
                "EPOCH_RAISED by regulator-sh:sam while regulator-sh is suspended",
                order.accept(Event.epochRaised(2, "regulator-sh:sam", from, to)));
        assertNull(order.accept(Event.epochRaised(3, "regulator-nhc:rita", from, to)));
    }

    @Test
    void aSuspendedHospitalChangesNoDisclosureLimits() {
        SuspensionOrder order = new SuspensionOrder();
        HospitalDisclosureLimits limits =
                new HospitalDisclosureLimits(20, OptionalLong.empty(), 1, false, List.of(), List.of());
        assertNull(order.accept(Event.disclosureLimitsChanged(1, "hospital-a", limits)));
        assertNull(order.accept(Event.organisationSuspended(2, "regulator-nhc:rita", "hospital-a", "investigation")));
        assertEquals(
                "DISCLOSURE_LIMITS_CHANGED by hospital-a while hospital-a is suspended",
                order.accept(Event.disclosureLimitsChanged(3, "hospital-a", limits)));
    }
}
