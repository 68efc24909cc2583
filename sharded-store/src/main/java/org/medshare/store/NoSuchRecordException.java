package org.medshare.store;

import java.io.IOException;

/** The record is not stored, or has been deleted (tombstoned). */
public final class NoSuchRecordException extends IOException {
    private static final long serialVersionUID = 1L;

    public NoSuchRecordException(Cid record) {
        super("no such record: " + record);
    }
}
