package org.medshare.enclave.attest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import javax.security.auth.x500.X500Principal;

/**
 * SimRoot: the root of the simulated attestation PKI, standing in for the hardware vendor's root
 * CA (Intel's SGX Root CA). It certifies platform keys ({@link SimPlatform}); verifiers pin its
 * certificate as their trust anchor.
 *
 * <p>Its private key lives outside every enclave process: the host (or a provisioning tool) holds
 * it and answers platform provisioning requests. Everything it issues is for the SIMULATED mode
 * only, and its subject says so.
 */
public final class SimRootCa {
    public static final String SUBJECT = "CN=MedShare SimRoot CA (SIMULATED TEE - not hardware backed),O=MedShare";
    static final Duration ROOT_VALIDITY = Duration.ofDays(3650);
    static final Duration PLATFORM_VALIDITY = Duration.ofDays(365);

    private final KeyPair key;
    private final X509Certificate certificate;
    private final Clock clock;

    private SimRootCa(KeyPair key, X509Certificate certificate, Clock clock) {
        this.key = key;
        this.certificate = certificate;
        this.clock = clock;
    }

    /** Creates a fresh root with a self-signed certificate valid from now for ten years. */
    public static SimRootCa create(Clock clock) throws GeneralSecurityException {
        KeyPair kp = Certificates.newP256();
        Instant now = clock.instant();
        X509Certificate cert = Certificates.issue(
                new X500Principal(SUBJECT),
                kp.getPublic(),
                new X500Principal(SUBJECT),
                kp.getPrivate(),
                kp.getPublic(),
                1,
                now.minus(Duration.ofMinutes(5)),
                now.plus(ROOT_VALIDITY));
        return new SimRootCa(kp, cert, clock);
    }

    /**
     * Loads the root from {@code dir} ({@code simroot.key} PKCS#8, {@code simroot.crt} DER), or
     * creates and stores one there. The key file is written owner-readable only where the file
     * system supports POSIX permissions.
     */
    public static SimRootCa loadOrCreate(Path dir, Clock clock) throws GeneralSecurityException, IOException {
        Path keyFile = dir.resolve("simroot.key");
        Path certFile = dir.resolve("simroot.crt");
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            X509Certificate cert = Certificates.parse(Files.readAllBytes(certFile));
            PrivateKey priv =
                    KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(keyFile)));
            return new SimRootCa(new KeyPair(cert.getPublicKey(), priv), cert, clock);
        }
        SimRootCa ca = create(clock);
        Files.createDirectories(dir);
        writeAtomically(certFile, ca.certificate.getEncoded(), false);
        writeAtomically(keyFile, ca.key.getPrivate().getEncoded(), true);
        return ca;
    }

    static void writeAtomically(Path target, byte[] data, boolean secret) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // non-POSIX file system: rely on the directory's permissions
            }
        }
        Files.write(tmp, data);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The trust anchor verifiers pin. */
    public X509Certificate certificate() {
        return certificate;
    }

    /**
     * Certifies a platform key (the simulated PCK provisioning step): a CA certificate with
     * pathLen 0, so the platform may certify attestation keys but no further CAs.
     */
    public X509Certificate certifyPlatform(PublicKey platformKey, String platformId) throws GeneralSecurityException {
        if (!platformId.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("platform id must be 1-64 of [A-Za-z0-9._-]");
        }
        Instant now = clock.instant();
        return Certificates.issue(
                new X500Principal("CN=SimPlatform " + platformId + " (SIMULATED),O=MedShare"),
                platformKey,
                certificate.getSubjectX500Principal(),
                key.getPrivate(),
                key.getPublic(),
                0,
                now.minus(Duration.ofMinutes(5)),
                now.plus(PLATFORM_VALIDITY));
    }

    @Override
    public String toString() {
        return "SimRootCa{" + certificate.getSubjectX500Principal().getName() + "}";
    }
}
