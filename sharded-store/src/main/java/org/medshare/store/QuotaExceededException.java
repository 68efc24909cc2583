package org.medshare.store;

import java.io.IOException;

/**
 * A put was refused because the owner's stored bytes (counting the n/k erasure-coding overhead)
 * would exceed its quota. Nothing of the refused put remains stored or charged.
 */
public final class QuotaExceededException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limitBytes;
    private final long requiredBytes;

    public QuotaExceededException(String owner, long limitBytes, long requiredBytes) {
        super("quota exceeded for owner " + owner + ": limit " + limitBytes + " bytes, would need " + requiredBytes);
        this.limitBytes = limitBytes;
        this.requiredBytes = requiredBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }

    public long requiredBytes() {
        return requiredBytes;
    }
}
