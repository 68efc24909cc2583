package org.medshare.ledger.tiles;

import java.security.GeneralSecurityException;

/**
 * A tiled log served something its trusted checkpoint refutes: a bad signature or origin, a tile or entry bundle
 * that does not reproduce the trusted root, a malformed resource, or a newer checkpoint that is not an extension of
 * an older one. The message is one line naming the resource and the check; it is evidence against the log (or a
 * mirror), not a transient failure: retrying the same source will not help.
 */
public final class TileVerificationException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    public TileVerificationException(String message) {
        super(message);
    }

    public TileVerificationException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
