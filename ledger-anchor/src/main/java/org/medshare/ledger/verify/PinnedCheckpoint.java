package org.medshare.ledger.verify;

import java.util.Objects;

/**
 * A signed checkpoint that a verifier saved earlier (for example a regulator's copy of the service's
 * latest checkpoint on the day of an audit), handed back to the offline verifier so that a log
 * rewritten and re-signed since then is caught.
 *
 * @param name where the note came from (a file name), used in failure messages
 * @param note the C2SP signed note, exactly as saved
 */
public record PinnedCheckpoint(String name, String note) {
    public PinnedCheckpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(note, "note");
    }
}
