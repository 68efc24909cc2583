package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Date;
import org.medshare.enclave.TcbLevel;

/**
 * SimPlatform: the simulated machine a simulated enclave runs on, standing in for an SGX
 * platform's provisioning certification key (PCK). Its key pair is generated inside the enclave
 * process; only the public key leaves it, to be certified by the {@link SimRootCa} that the host
 * holds. A provisioned platform creates the {@link QuotingEnclave} whose attestation key signs
 * quotes.
 */
public final class SimPlatform {
    private final String platformId;
    private final KeyPair platformKey;
    private final TcbLevel tcbLevel;
    private final Clock clock;

    private SimPlatform(String platformId, KeyPair platformKey, TcbLevel tcbLevel, Clock clock) {
        this.platformId = platformId;
        this.platformKey = platformKey;
        this.tcbLevel = tcbLevel;
        this.clock = clock;
    }

    /** A new platform with a fresh P-256 key, reporting the given TCB level in its quotes. */
    public static SimPlatform generate(String platformId, TcbLevel tcbLevel, Clock clock)
            throws GeneralSecurityException {
        if (!platformId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("platform id must be 1-64 of [A-Za-z0-9._-]");
        }
        return new SimPlatform(platformId, Certificates.newP256(), tcbLevel, clock);
    }

    public String platformId() {
        return platformId;
    }

    public PublicKey publicKey() {
        return platformKey.getPublic();
    }

    /**
     * Accepts the root's certificate for this platform and creates the quoting enclave.
     *
     * @throws GeneralSecurityException if {@code platformCert} is not for this platform's key or is
     *     not signed by {@code rootCert}
     */
    public QuotingEnclave provision(X509Certificate platformCert, X509Certificate rootCert)
            throws GeneralSecurityException {
        if (!Arrays.equals(
                platformCert.getPublicKey().getEncoded(),
                platformKey.getPublic().getEncoded())) {
            throw new GeneralSecurityException("platform certificate is for a different key");
        }
        platformCert.verify(rootCert.getPublicKey());
        platformCert.checkValidity(Date.from(clock.instant()));
        return QuotingEnclave.create(platformKey, platformCert, rootCert, tcbLevel, clock);
    }
}
