package org.medshare.service.enclave;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.service.config.MedshareConfig;

/**
 * The service's link to the simulated trusted execution environment: the key-authority enclave and the statistics
 * worker enclave, each in its own JVM, started on first use over the platform state in
 * {@code data-dir/enclave}. The service never holds the ABE master key or a user key: it relays public
 * parameters, approvals and ciphertext. The approver key signs query approvals on behalf of the
 * regulator's workflow; the authority trusts exactly that key.
 *
 * <p>Everything here is SIMULATED (no hardware quotes), as the enclaves' banners and quotes say.
 */
@ApplicationScoped
public class EnclaveGateway {

    private static final Logger LOG = Logger.getLogger(EnclaveGateway.class);
    /** Security version of this build's enclaves; raise it on upgrades, never lower it. */
    static final int SVN = 1;
    /** File name of the authority's trust anchor under {@code data-dir/enclave}. */
    public static final String TRUST_FILE = "authority.trust";
    /** File name of the statistics worker's trust anchor (its pinned measurement) under {@code data-dir/enclave}. */
    public static final String WORKER_TRUST_FILE = "worker.trust";

    private final Path dir;
    private final Suite suite;
    private EmbeddedEnclaves enclaves;
    private KeyPair approver;

    @Inject
    EnclaveGateway(MedshareConfig config) {
        this.dir = config.dataDir().resolve("enclave");
        this.suite = Suite.fromLabel(config.records().suite());
    }

    /**
     * Starts the enclaves with the application (unless {@code medshare.enclave.start-at-boot=false}, as in the
     * fast tests), so that the authority's trust file exists before the first hospital needs it. A failure
     * here is logged and retried on first use.
     */
    void onStart(@Observes StartupEvent event, MedshareConfig config) {
        if (config.enclave().startAtBoot()) {
            try {
                enclaves();
            } catch (RuntimeException e) {
                LOG.warn("the simulated enclaves did not start at boot; the first request that needs them retries", e);
            }
        }
    }

    /** The running enclaves, started on first call. */
    public synchronized EmbeddedEnclaves enclaves() {
        if (enclaves == null) {
            try {
                approver = loadOrCreateApprover(dir.resolve("approver.key"));
                enclaves = EmbeddedEnclaves.start(dir, List.of(approver.getPublic()), SVN, suite);
                writeTrust(enclaves.authorityTrust(), TRUST_FILE);
                writeTrust(enclaves.workerTrust(), WORKER_TRUST_FILE);
                LOG.infof(
                        "simulated TEE started: authority pid %d, worker pid %d (mode SIMULATED)",
                        enclaves.authority().pid(), enclaves.worker().pid());
            } catch (IOException e) {
                throw new UncheckedIOException("the simulated enclaves could not be started", e);
            } catch (GeneralSecurityException | EnclaveCallException e) {
                throw new IllegalStateException("the simulated enclaves could not be started", e);
            }
        }
        return enclaves;
    }

    /** The enclaves if they have been started, without starting them. */
    public synchronized Optional<EmbeddedEnclaves> startedEnclaves() {
        return Optional.ofNullable(enclaves);
    }

    /** The key that signs query approvals for the key authority. */
    public synchronized KeyPair approver() {
        enclaves();
        return approver;
    }

    public PublicParameters publicParameters() {
        return enclaves().publicParameters();
    }

    /** The public parameters in their versioned binary form, for clients. */
    public byte[] publicParametersBytes() {
        return publicParameters().toBytes();
    }

    /**
     * The key authority's attested, signed public parameters for a client's {@code nonce}; the service only
     * relays them, the client checks them against its {@link AuthorityTrust} (see {@link #trustFile()}).
     */
    public KeyAuthorityClient.AttestedParameters attestedParameters(byte[] nonce) {
        try {
            return enclaves().keyAuthority().attestedParameters(nonce);
        } catch (EnclaveCallException e) {
            throw new IllegalStateException("the key authority refused to attest: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("the key authority could not be reached", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the key authority's answer does not parse", e);
        }
    }

    /**
     * The public trust anchor hospitals verify the authority with ({@code data-dir/enclave/authority.trust},
     * written at every start). The operator hands it to hospitals out of band; the API never serves it,
     * since a client must not take the word of the host it is checking. Starts the enclaves if needed.
     */
    public Path trustFile() {
        enclaves();
        return dir.resolve(TRUST_FILE);
    }

    /**
     * The statistics worker's trust file (SimRoot and the worker's exact MRENCLAVE), which readers of query
     * results pin for {@code medshare query verify}.
     */
    public Path workerTrustFile() {
        enclaves();
        return dir.resolve(WORKER_TRUST_FILE);
    }

    private void writeTrust(AuthorityTrust trust, String name) throws IOException {
        Path tmp = Files.createTempFile(dir, "trust", ".tmp");
        Files.writeString(tmp, trust.format());
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @PreDestroy
    synchronized void stop() {
        if (enclaves != null) {
            try {
                enclaves.close();
            } catch (IOException e) {
                LOG.warn("stopping the simulated enclaves failed", e);
            }
            enclaves = null;
        }
    }

    private static KeyPair loadOrCreateApprover(Path file) throws IOException, GeneralSecurityException {
        KeyFactory ed25519 = KeyFactory.getInstance("Ed25519");
        Path publicFile = file.resolveSibling(file.getFileName() + ".pub");
        if (Files.exists(file) && Files.exists(publicFile)) {
            return new KeyPair(
                    ed25519.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(publicFile))),
                    ed25519.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file))));
        }
        Files.createDirectories(file.getParent());
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path tmp = Files.createTempFile(file.getParent(), "approver", ".tmp");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.write(tmp, pair.getPrivate().getEncoded());
        Files.write(publicFile, pair.getPublic().getEncoded());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return pair;
    }
}
