package org.medshare.ledger.verify;

import java.util.HashSet;
import java.util.Set;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The order rules of erasure, checked over the log from its first entry: an ERASED event names a record that an
 * earlier UPLOAD stored and that no earlier ERASED erased, no ACCESS or BREAK_GLASS of a record follows its ERASED,
 * and every BREAK_GLASS directly follows the ACCESS of the same release (same actor, record and purpose code). Not
 * thread-safe; one instance per pass over a log.
 */
final class ErasureOrder {
    private final Set<String> uploaded = new HashSet<>();
    private final Set<String> erased = new HashSet<>();
    private Event previous;

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
        String problem = check(event);
        previous = event;
        return problem;
    }

    private String check(Event event) {
        EventType type = event.type();
        if (type == EventType.UPLOAD) {
            uploaded.add(event.id(Field.RECORD_ID));
        } else if (type == EventType.ERASED) {
            String record = event.id(Field.RECORD_ID);
            if (!uploaded.contains(record)) {
                return "ERASED of record " + record + ", which no earlier UPLOAD stored";
            }
            if (!erased.add(record)) {
                return "ERASED of record " + record + " a second time";
            }
        } else if ((type == EventType.ACCESS || type == EventType.BREAK_GLASS)
                && erased.contains(event.id(Field.RECORD_ID))) {
            return type + " of record " + event.id(Field.RECORD_ID) + " after its ERASED";
        }
        if (type == EventType.BREAK_GLASS && !releasedBy(previous, event)) {
            return "BREAK_GLASS of record " + event.id(Field.RECORD_ID) + " by " + event.id(Field.ACTOR)
                    + " without the ACCESS of its release just before it";
        }
        return null;
    }

    /** Whether {@code access} is the ACCESS of the release {@code breakGlass} reports. */
    private static boolean releasedBy(Event access, Event breakGlass) {
        if (access == null || access.type() != EventType.ACCESS) {
            return false;
        }
        String purpose = access.id(Field.PURPOSE);
        String code = breakGlass.id(Field.PURPOSE);
        return access.id(Field.ACTOR).equals(breakGlass.id(Field.ACTOR))
                && access.id(Field.RECORD_ID).equals(breakGlass.id(Field.RECORD_ID))
                && (purpose.equals(code) || purpose.startsWith(code + ":"));
    }
}
