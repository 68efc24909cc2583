package org.medshare.enclave;

/**
 * Platform trusted-computing-base status carried in a quote, named after Intel's TCB info
 * statuses (UpToDate, SWHardeningNeeded, OutOfDate, Revoked) and mapped onto R3 Conclave's
 * security summary (SECURE, STALE, INSECURE) by {@link #summary()}.
 */
public enum TcbLevel {
    UP_TO_DATE(1, SecuritySummary.SECURE),
    SW_HARDENING_NEEDED(2, SecuritySummary.STALE),
    OUT_OF_DATE(3, SecuritySummary.STALE),
    REVOKED(4, SecuritySummary.INSECURE);

    /** Conclave's ordered security levels; a constraint names the lowest level it accepts. */
    public enum SecuritySummary {
        INSECURE,
        STALE,
        SECURE
    }

    private final int wireCode;
    private final SecuritySummary summary;

    TcbLevel(int wireCode, SecuritySummary summary) {
        this.wireCode = wireCode;
        this.summary = summary;
    }

    public int wireCode() {
        return wireCode;
    }

    public SecuritySummary summary() {
        return summary;
    }

    public static TcbLevel fromWire(int code) throws MalformedEncodingException {
        for (TcbLevel t : values()) {
            if (t.wireCode == code) {
                return t;
            }
        }
        throw new MalformedEncodingException("unknown TCB level code " + code);
    }
}
