package org.medshare.ledger.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

class ConsentOrderTest {
    private static final byte[] HASH = new byte[32];

    private static Event changed(String consent, long version) {
        return Event.builder(EventType.CONSENT_CHANGED)
                .timestamp(version)
                .id(Field.ACTOR, "hospital-a:alice")
                .id(Field.RECORD_ID, consent)
                .amount(Field.CONSENT_VERSION, version)
                .hash(Field.PROVISIONS_HASH, HASH)
                .build();
    }

    @Test
    void aConsentsVersionsRiseAndARevokedConsentDoesNotChange() {
        ConsentOrder order = new ConsentOrder();
        assertNull(order.accept(changed("consent:c1", 2)));
        assertNull(order.accept(changed("consent:c1", 3)));
        assertNull(order.accept(changed("consent:c2", 2)), "each consent has its own versions");
        assertEquals(
                "CONSENT_CHANGED of consent:c1 to version 3 after version 3", order.accept(changed("consent:c1", 3)));
        assertEquals(
                "CONSENT_CHANGED of consent:c1 to version 2 after version 3", order.accept(changed("consent:c1", 2)));
        assertNull(order.accept(Event.builder(EventType.CONSENT_REVOKED)
                .timestamp(9)
                .id(Field.ACTOR, "hospital-a")
                .id(Field.RECORD_ID, "consent:c2")
                .hash(Field.SUBJECT_HASH, HASH)
                .build()));
        assertEquals("CONSENT_CHANGED of consent:c2 after its revocation", order.accept(changed("consent:c2", 4)));
        assertNull(order.accept(changed("consent:c1", 4)), "another consent's revocation changes nothing");
    }

    @Test
    void aSuspendedHospitalChangesNoConsent() {
        SuspensionOrder order = new SuspensionOrder();
        assertNull(order.accept(Event.organisationSuspended(1, "regulator-nhc:rita", "hospital-a", "investigation")));
        assertEquals(
                "CONSENT_CHANGED by hospital-a:alice while hospital-a is suspended",
                order.accept(changed("consent:c1", 2)));
    }
}
