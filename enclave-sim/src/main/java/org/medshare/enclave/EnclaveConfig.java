package org.medshare.enclave;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Launch configuration of an enclave: the debug attribute and the configuration settings whose
 * hash is the enclave's CONFIGID (SGX2 key-separation-and-sharing config id). The settings are
 * measured: changing any setting changes CONFIGID and therefore MRENCLAVE (see {@link
 * EnclaveIdentity}).
 *
 * <p>Canonical form: settings sorted by key (UTF-16 order of {@link String#compareTo}), each
 * written as length-prefixed UTF-8 key and value, after the domain label {@code
 * medshare.enclave.config.v1}.
 */
public final class EnclaveConfig {
    private static final String DOMAIN = "medshare.enclave.config.v1";

    private final boolean debug;
    private final Map<String, String> settings;

    private EnclaveConfig(boolean debug, Map<String, String> settings) {
        this.debug = debug;
        this.settings = Collections.unmodifiableMap(new TreeMap<>(settings));
    }

    /** A production (non-debug) configuration with the given settings. */
    public static EnclaveConfig release(Map<String, String> settings) {
        return new EnclaveConfig(false, settings);
    }

    /** A debug configuration; verifiers refuse debug quotes (debug memory is readable by the host). */
    public static EnclaveConfig debug(Map<String, String> settings) {
        return new EnclaveConfig(true, settings);
    }

    public boolean debug() {
        return debug;
    }

    public Map<String, String> settings() {
        return settings;
    }

    /** SHA-256 over the canonical form of the settings (32 bytes). */
    public byte[] configId() {
        WireWriter w = new WireWriter().utf8(DOMAIN).i32(settings.size());
        settings.forEach((k, v) -> w.utf8(k).utf8(v));
        return Sha256.hash(w.toByteArray());
    }

    public byte[] toBytes() {
        WireWriter w = new WireWriter().u8(1).u8(debug ? 1 : 0).i32(settings.size());
        settings.forEach((k, v) -> w.utf8(k).utf8(v));
        return w.toByteArray();
    }

    public static EnclaveConfig parse(byte[] bytes) throws MalformedEncodingException {
        WireReader r = WireReader.versioned(bytes, 1, "enclave config");
        int debugFlag = r.u8();
        if (debugFlag > 1) {
            throw new MalformedEncodingException("bad debug flag " + debugFlag);
        }
        int n = r.i32();
        if (n < 0 || n > 10_000) {
            throw new MalformedEncodingException("bad settings count " + n);
        }
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String k = r.utf8();
            if (m.put(k, r.utf8()) != null) {
                throw new MalformedEncodingException("duplicate setting " + k);
            }
        }
        r.expectEnd();
        return new EnclaveConfig(debugFlag == 1, m);
    }

    @Override
    public String toString() {
        return "EnclaveConfig{debug=" + debug + ", configId=" + Hex.of(configId()) + "}";
    }
}
