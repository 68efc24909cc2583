package org.medshare.client.audit;

import java.io.IOException;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.SaltedHash;

/** Ledgers for the audit command tests: UPLOAD events numbered by {@code i}, each distinct. */
final class Uploads {
    private Uploads() {}

    /** Appends the uploads {@code from} (inclusive) to {@code to} (exclusive) to {@code log}. */
    static void append(AuditLog log, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            log.append(Event.upload(
                    1000L + i,
                    "hospital-a",
                    "rec-" + i,
                    SaltedHash.sha256(new byte[] {(byte) i}),
                    SaltedHash.sha256(new byte[] {2, (byte) i})));
        }
    }
}
