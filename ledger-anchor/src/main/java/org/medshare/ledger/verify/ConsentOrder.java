package org.medshare.ledger.verify;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The order of patient consents on the log, checked from its first entry: each CONSENT_CHANGED of a consent names a
 * higher version than the one before it, and none follows the consent's revocation (a CONSENT_REVOKED of
 * {@code consent:<id>}). Not thread-safe; one instance per pass over a log.
 */
final class ConsentOrder {
    private final Map<String, Long> versions = new HashMap<>();
    private final Set<String> revoked = new HashSet<>();

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
        if (event.type() == EventType.CONSENT_REVOKED) {
            revoked.add(event.id(Field.RECORD_ID));
        } else if (event.type() == EventType.CONSENT_CHANGED) {
            String consent = event.id(Field.RECORD_ID);
            long version = event.amount(Field.CONSENT_VERSION);
            if (revoked.contains(consent)) {
                return "CONSENT_CHANGED of " + consent + " after its revocation";
            }
            Long before = versions.put(consent, version);
            if (before != null && version <= before) {
                return "CONSENT_CHANGED of " + consent + " to version " + version + " after version " + before;
            }
        }
        return null;
    }
}
