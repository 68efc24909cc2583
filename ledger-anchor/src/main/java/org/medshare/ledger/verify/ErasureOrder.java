package org.medshare.ledger.verify;

import java.util.HashSet;
import java.util.Set;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;

/**
 * The order rules of erasure, checked over the log from its first entry: an ERASED event names a record that an
 * earlier UPLOAD stored and that no earlier ERASED erased, and no ACCESS of a record follows its ERASED. Not
 * thread-safe; one instance per pass over a log.
 */
final class ErasureOrder {
    private final Set<String> uploaded = new HashSet<>();
    private final Set<String> erased = new HashSet<>();

    /**
     * Takes the next event of the log.
     *
     * @return why the event breaks the rules, or null if it keeps them
     */
    String accept(Event event) {
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
        } else if (type == EventType.ACCESS && erased.contains(event.id(Field.RECORD_ID))) {
            return "ACCESS of record " + event.id(Field.RECORD_ID) + " after its ERASED";
        }
        return null;
    }
}
