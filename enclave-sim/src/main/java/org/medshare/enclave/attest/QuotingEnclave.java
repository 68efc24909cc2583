package org.medshare.enclave.attest;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.TcbLevel;

/**
 * The simulated quoting enclave: holds an attestation key certified by the platform key and turns
 * an enclave's identity plus report data into a signed {@link Quote}. Lives in the enclave
 * process; never exported.
 */
public final class QuotingEnclave {
    static final Duration ATTESTATION_KEY_VALIDITY = Duration.ofDays(30);

    private final KeyPair attestationKey;
    private final List<byte[]> chainDer;
    private final TcbLevel tcbLevel;
    private final Clock clock;

    private QuotingEnclave(KeyPair attestationKey, List<byte[]> chainDer, TcbLevel tcbLevel, Clock clock) {
        this.attestationKey = attestationKey;
        this.chainDer = chainDer;
        this.tcbLevel = tcbLevel;
        this.clock = clock;
    }

    static QuotingEnclave create(
            KeyPair platformKey, X509Certificate platformCert, X509Certificate rootCert, TcbLevel tcbLevel, Clock clock)
            throws GeneralSecurityException {
        KeyPair ak = Certificates.newP256();
        Instant now = clock.instant();
        X509Certificate akCert = Certificates.issue(
                new X500Principal("CN=SimAttestationKey (SIMULATED),O=MedShare"),
                ak.getPublic(),
                platformCert.getSubjectX500Principal(),
                platformKey.getPrivate(),
                platformKey.getPublic(),
                -1,
                now.minus(Duration.ofMinutes(5)),
                now.plus(ATTESTATION_KEY_VALIDITY));
        try {
            return new QuotingEnclave(
                    ak,
                    List.of(akCert.getEncoded(), platformCert.getEncoded(), rootCert.getEncoded()),
                    tcbLevel,
                    clock);
        } catch (CertificateEncodingException e) {
            throw new GeneralSecurityException("cannot encode certificate chain", e);
        }
    }

    /**
     * Produces a quote for {@code identity} with the given 32-byte report data, timestamped now.
     * Mode is always {@link EnclaveMode#SIMULATED}.
     */
    public Quote quote(EnclaveIdentity identity, byte[] reportData) throws GeneralSecurityException {
        if (reportData.length != 32) {
            throw new IllegalArgumentException("report data must be 32 bytes");
        }
        Instant at = Instant.ofEpochMilli(clock.millis());
        byte[] body = Quote.body(EnclaveMode.SIMULATED, identity, tcbLevel, at, reportData);
        Signature s = Signature.getInstance(Certificates.SIG_ALG);
        s.initSign(attestationKey.getPrivate());
        s.update(Quote.signedBytes(body));
        return new Quote(EnclaveMode.SIMULATED, identity, tcbLevel, at, reportData, chainDer, s.sign());
    }
}
