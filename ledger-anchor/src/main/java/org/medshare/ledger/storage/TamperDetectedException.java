package org.medshare.ledger.storage;

import java.security.GeneralSecurityException;

/**
 * Stored ledger data is not what was written and signed: a checksum, a segment header, a frame's
 * index or a recomputed root disagrees. The log refuses to serve. The message names the segment
 * file and the entry index (or the range of entries between two signed checkpoints) where the
 * first disagreement was found.
 */
public final class TamperDetectedException extends GeneralSecurityException {
    private static final long serialVersionUID = 1L;

    private final String segment;
    private final long entryIndex;

    public TamperDetectedException(String segment, long entryIndex, String detail) {
        super((entryIndex >= 0 ? "entry " + entryIndex + " " : "")
                + (segment != null ? "(" + segment + ") " : "")
                + detail);
        this.segment = segment;
        this.entryIndex = entryIndex;
    }

    /** The segment (or checkpoint) file name, or null. */
    public String segment() {
        return segment;
    }

    /** The first entry index found bad, or -1 if the problem is not one entry. */
    public long entryIndex() {
        return entryIndex;
    }
}
