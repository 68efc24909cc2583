package org.medshare.enclave;

/**
 * How an enclave executes. This project only ever produces {@link #SIMULATED}: there is no
 * hardware isolation, the "enclave" is an ordinary JVM process, and every quote, output and log
 * line says so. The wire code is carried in each quote; unknown codes are refused when parsing.
 *
 * <p>Vocabulary follows R3 Conclave's {@code EnclaveMode} (RELEASE / DEBUG / SIMULATION / MOCK):
 * our SIMULATED corresponds to Conclave's SIMULATION; debug is a separate attribute flag, as in
 * SGX's ATTRIBUTES.DEBUG.
 */
public enum EnclaveMode {
    /** Software simulation of an SGX-like TEE: no confidentiality against the host. */
    SIMULATED(0x53);

    private final int wireCode;

    EnclaveMode(int wireCode) {
        this.wireCode = wireCode;
    }

    public int wireCode() {
        return wireCode;
    }

    /** Returns the mode for a wire code; throws for any code this version does not know. */
    public static EnclaveMode fromWire(int code) throws MalformedEncodingException {
        for (EnclaveMode m : values()) {
            if (m.wireCode == code) {
                return m;
            }
        }
        throw new MalformedEncodingException("unknown enclave mode code 0x" + Integer.toHexString(code));
    }
}
