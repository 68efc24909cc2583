package org.medshare.ledger.verify;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The black-list rules of the log, checked from its first entry: an ORGANISATION_REINSTATED follows an
 * ORGANISATION_SUSPENDED of the same organisation, a suspension is not repeated while it lasts, and while an
 * organisation is suspended no event it acted in ({@link #ACTED}, its actor {@code organisation} or
 * {@code organisation:subject}) is on the log. Not thread-safe; one instance per pass over a log.
 */
final class SuspensionOrder {
    /** The events whose actor is the organisation that wrote (or, for ACCESS, received) something. */
    static final Set<EventType> ACTED = EnumSet.of(
            EventType.UPLOAD,
            EventType.RECORD_VERSIONED,
            EventType.ERASED,
            EventType.ACCESS,
            EventType.BREAK_GLASS,
            EventType.QUERY_SUBMITTED,
            EventType.QUERY_APPROVED,
            EventType.CONSENT_REVOKED,
            EventType.CONSENT_CHANGED,
            EventType.SIGNING_KEY_REVOKED,
            EventType.DATA_USE_RULES_CHANGED,
            EventType.DISCLOSURE_LIMITS_CHANGED,
            EventType.EPOCH_RAISED);

    private final Set<String> suspended = new HashSet<>();

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
        EventType type = event.type();
        if (type == EventType.ORGANISATION_SUSPENDED) {
            String organisation = event.id(Field.ORGANISATION);
            if (!suspended.add(organisation)) {
                return "ORGANISATION_SUSPENDED of " + organisation + ", which is already suspended";
            }
        } else if (type == EventType.ORGANISATION_REINSTATED) {
            String organisation = event.id(Field.ORGANISATION);
            if (!suspended.remove(organisation)) {
                return "ORGANISATION_REINSTATED of " + organisation + ", which is not suspended";
            }
        } else if (ACTED.contains(type)) {
            String actor = event.id(Field.ACTOR);
            int colon = actor.indexOf(':');
            String organisation = colon < 0 ? actor : actor.substring(0, colon);
            if (suspended.contains(organisation)) {
                return type + " by " + actor + " while " + organisation + " is suspended";
            }
        }
        return null;
    }
}
