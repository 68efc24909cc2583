package org.medshare.ledger.checkpoint;

/** Text is not a well-formed signed note or checkpoint (C2SP signed-note, tlog-checkpoint). */
public final class MalformedNoteException extends Exception {
    private static final long serialVersionUID = 1L;

    public MalformedNoteException(String message) {
        super(message);
    }
}
