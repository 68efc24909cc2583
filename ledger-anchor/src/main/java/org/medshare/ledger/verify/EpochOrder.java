package org.medshare.ledger.verify;

import org.medshare.ledger.event.AttributeEpoch;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The order of attribute epochs on the log, checked from its first entry: every EPOCH_RAISED names two
 * {@link AttributeEpoch} texts, its new epoch is strictly after its previous one, and its previous epoch is the new
 * epoch of the EPOCH_RAISED before it (the first raise may start anywhere: the consortium's initial epoch is
 * configuration, not an event). Not thread-safe; one instance per pass over a log.
 */
final class EpochOrder {
    private AttributeEpoch current;

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
        if (event.type() != EventType.EPOCH_RAISED) {
            return null;
        }
        AttributeEpoch from;
        AttributeEpoch to;
        try {
            from = AttributeEpoch.parse(event.id(Field.PREVIOUS_EPOCH));
            to = AttributeEpoch.parse(event.id(Field.EPOCH));
        } catch (IllegalArgumentException e) {
            return "EPOCH_RAISED names an epoch that is not YYYYQn: " + event.id(Field.PREVIOUS_EPOCH) + " -> "
                    + event.id(Field.EPOCH);
        }
        if (!to.isAfter(from)) {
            return "EPOCH_RAISED from " + from + " to " + to + " does not move forward";
        }
        if (current != null && !from.equals(current)) {
            return "EPOCH_RAISED from " + from + " while the epoch is " + current;
        }
        current = to;
        return null;
    }
}
