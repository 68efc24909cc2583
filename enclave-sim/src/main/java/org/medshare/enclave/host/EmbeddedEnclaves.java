package org.medshare.enclave.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.CodeSet;
import org.medshare.enclave.EnclaveConfig;
import org.medshare.enclave.Hex;
import org.medshare.enclave.SigStruct;
import org.medshare.enclave.TcbLevel;
import org.medshare.enclave.WireWriter;
import org.medshare.enclave.attest.EnclaveConstraint;
import org.medshare.enclave.attest.NonceRegistry;
import org.medshare.enclave.attest.QuoteVerifier;
import org.medshare.enclave.attest.SimRootCa;
import org.medshare.enclave.compute.StatisticsStateService;
import org.medshare.enclave.keyrelease.KeyAuthority;
import org.medshare.enclave.keyrelease.TrustedParties;
import org.medshare.enclave.ledger.LedgerTrust;

/**
 * The embedded (development) deployment of the simulated TEE, for the one-command setup: one
 * key-authority enclave and one statistics-worker enclave, each in its own JVM, sharing a
 * simulated platform whose state lives in a directory:
 *
 * <pre>
 *   DIR/simroot/simroot.{key,crt}   SimRoot CA (host side; the enclaves never see the key)
 *   DIR/vendor.key                  enclave vendor Ed25519 key (signs the SIGSTRUCTs; MRSIGNER)
 *   DIR/platform.secret             simulated fused platform secret (sealing root)
 *   DIR/master-key.sealed           the ABE master key, sealed by the authority (MRSIGNER policy)
 *   DIR/statistics-state.sealed     the worker's privacy memory (approvals run, ε counted, differencing
 *                                   memory), sealed by the worker (MRENCLAVE policy); see {@link #saveWorkerState()}
 * </pre>
 *
 * On first start the authority runs FAME setup and the sealed master key is stored; on later
 * starts it is unsealed, so the public parameters stay the same across restarts and upgrades,
 * and sealed again under the running SVN, so that after an upgrade older builds cannot unseal it.
 * Everything is SIMULATED and the authority's constraint carries {@code SIMULATED:ALLOW}; a
 * production deployment needs real hardware quotes and {@code QuoteVerifier.production}.
 */
public final class EmbeddedEnclaves implements AutoCloseable {
    public static final int PRODUCT_ID = 1;
    /** File name of the worker's sealed privacy memory in the platform directory. */
    public static final String WORKER_STATE = "statistics-state.sealed";

    public static final EnclaveConfig WORKER_CONFIG = EnclaveConfig.release(Map.of("role", "statistics"));

    private final EnclaveHost authority;
    private final EnclaveHost worker;
    private final KeyAuthorityClient client;
    private final PublicParameters publicParameters;
    private final SimRootCa root;
    private final SigStruct authoritySig;
    private final SigStruct workerSig;
    private final Path dir;

    private EmbeddedEnclaves(
            EnclaveHost authority,
            EnclaveHost worker,
            KeyAuthorityClient client,
            PublicParameters publicParameters,
            SimRootCa root,
            SigStruct authoritySig,
            SigStruct workerSig,
            Path dir) {
        this.dir = dir;
        this.authority = authority;
        this.worker = worker;
        this.client = client;
        this.publicParameters = publicParameters;
        this.root = root;
        this.authoritySig = authoritySig;
        this.workerSig = workerSig;
    }

    /**
     * Starts (or restarts) the embedded deployment.
     *
     * @param parties the parties' keys whose approvals and grants the authority honours (none: it only publishes its
     *     public parameters)
     * @param ledger  the checkpoints the authority accepts as final: it releases a key only for an event proven
     *     under one
     * @param svn security version of this build (raise it on upgrades; never lower it)
     */
    public static EmbeddedEnclaves start(Path dir, TrustedParties parties, LedgerTrust ledger, int svn, Suite suite)
            throws IOException, GeneralSecurityException, EnclaveCallException {
        return start(dir, parties, ledger, svn, suite, null);
    }

    /**
     * Starts (or restarts) the embedded deployment with the authority's initial attribute epoch {@code epoch}
     * ({@code YYYYQn}, part of its measured configuration, {@link KeyAuthority#EPOCH}; null leaves it unset), the
     * consortium's epoch before any raise.
     */
    public static EmbeddedEnclaves start(
            Path dir, TrustedParties parties, LedgerTrust ledger, int svn, Suite suite, String epoch)
            throws IOException, GeneralSecurityException, EnclaveCallException {
        Objects.requireNonNull(suite);
        Files.createDirectories(dir);
        Clock clock = Clock.systemUTC();
        SimRootCa root = SimRootCa.loadOrCreate(dir.resolve("simroot"), clock);
        KeyPair vendor = loadOrCreateVendorKey(dir.resolve("vendor.key"));
        CodeSet code = CodeSet.ofRunningEnclave();
        SigStruct workerSig = SigStruct.sign(code, WORKER_CONFIG, PRODUCT_ID, svn, vendor);
        EnclaveConfig authorityConfig =
                authorityConfig(root, vendor.getPublic(), workerSig, svn, parties, ledger, epoch);
        SigStruct authoritySig = SigStruct.sign(code, authorityConfig, PRODUCT_ID, svn, vendor);
        Path secret = dir.resolve("platform.secret");
        EnclaveHost authority = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                authoritySig, authorityConfig, root, "embedded", secret, TcbLevel.UP_TO_DATE));
        EnclaveHost worker = null;
        try {
            worker = EnclaveHost.start(new EnclaveHost.LaunchSpec(
                    workerSig, WORKER_CONFIG, root, "embedded", secret, TcbLevel.UP_TO_DATE));
            KeyAuthorityClient client = new KeyAuthorityClient(authority);
            Path sealedFile = dir.resolve("master-key.sealed");
            PublicParameters pp;
            if (Files.exists(sealedFile)) {
                pp = client.load(Files.readAllBytes(sealedFile));
                writeAtomically(sealedFile, client.reseal());
            } else {
                KeyAuthorityClient.SetupResult s = client.setup(suite);
                writeAtomically(sealedFile, s.sealedMasterKey());
                pp = s.publicParameters();
            }
            loadWorkerState(worker, dir.resolve(WORKER_STATE));
            return new EmbeddedEnclaves(authority, worker, client, pp, root, authoritySig, workerSig, dir);
        } catch (IOException | GeneralSecurityException | EnclaveCallException | RuntimeException e) {
            authority.close();
            if (worker != null) {
                worker.close();
            }
            throw e;
        }
    }

    /**
     * Reads the worker's sealed privacy memory back into a freshly started worker. A blob this worker cannot open
     * (another build, another platform secret) is set aside as {@code .unreadable} and the worker starts afresh.
     */
    private static void loadWorkerState(EnclaveHost worker, Path file) throws IOException, EnclaveCallException {
        if (!Files.exists(file)) {
            return;
        }
        byte[] request = new WireWriter()
                .u8(StatisticsStateService.IMPORT)
                .bytes(Files.readAllBytes(file))
                .toByteArray();
        try {
            worker.call(StatisticsStateService.NAME, request);
        } catch (EnclaveCallException e) {
            if (!"STATE_INVALID".equals(e.code())) {
                throw e;
            }
            Files.move(
                    file, file.resolveSibling(file.getFileName() + ".unreadable"), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Has the worker seal its privacy memory (approvals run, ε it counted per insurer, the differencing guard's
     * memory) and stores the blob in {@code DIR/statistics-state.sealed}, which the next {@link #start} reads back.
     * Call after each result. The host cannot read the blob; it could replace it with an older one (not detected).
     */
    public synchronized void saveWorkerState() throws IOException, EnclaveCallException {
        byte[] sealed = worker.call(StatisticsStateService.NAME, new byte[] {StatisticsStateService.EXPORT});
        writeAtomically(dir.resolve(WORKER_STATE), sealed);
    }

    private static void writeAtomically(Path file, byte[] data) throws IOException {
        Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "sealed", ".tmp");
        Files.write(tmp, data);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static EnclaveConfig authorityConfig(
            SimRootCa root,
            PublicKey vendor,
            SigStruct workerSig,
            int svn,
            TrustedParties parties,
            LedgerTrust ledger,
            String epoch)
            throws GeneralSecurityException {
        String constraint = "C:" + Hex.of(workerSig.mrenclave())
                + " S:" + Hex.of(SigStruct.mrsignerOf(vendor))
                + " PROD:" + PRODUCT_ID
                + " MINSVN:" + svn
                + " EXPIRE:PT1M SIMULATED:ALLOW";
        Map<String, String> settings = new TreeMap<>();
        settings.put(KeyAuthority.ROOT, Hex.of(root.certificate().getEncoded()));
        settings.put(KeyAuthority.CONSTRAINT, constraint);
        settings.put(KeyAuthority.APPROVERS, parties.approverSetting());
        settings.put(KeyAuthority.GRANTORS, parties.grantorSetting());
        settings.put(KeyAuthority.LEDGER_ORIGIN, ledger.origin());
        settings.put(KeyAuthority.LEDGER_SUITE, ledger.suite());
        settings.put(KeyAuthority.LEDGER_QUORUM, Integer.toString(ledger.quorum()));
        settings.put(KeyAuthority.LEDGER_KEYS, String.join(" ", ledger.keyLines()));
        if (epoch != null) {
            settings.put(KeyAuthority.EPOCH, epoch);
        }
        return EnclaveConfig.release(settings);
    }

    private static KeyPair loadOrCreateVendorKey(Path file) throws IOException, GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        if (Files.exists(file)) {
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
            Path pub = file.resolveSibling(file.getFileName() + ".pub");
            return new KeyPair(kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub))), priv);
        }
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path tmp = Files.createTempFile(file.getParent(), "vendor", ".tmp");
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX file system
        }
        Files.write(tmp, kp.getPrivate().getEncoded());
        Files.write(
                file.resolveSibling(file.getFileName() + ".pub"), kp.getPublic().getEncoded());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return kp;
    }

    public EnclaveHost authority() {
        return authority;
    }

    public EnclaveHost worker() {
        return worker;
    }

    public KeyAuthorityClient keyAuthority() {
        return client;
    }

    /** The ABE public parameters (as returned by setup or load inside the authority). */
    public PublicParameters publicParameters() {
        return publicParameters;
    }

    /** SimRoot certificate: the trust anchor for verifying these enclaves' quotes. */
    public X509Certificate simRoot() {
        return root.certificate();
    }

    /**
     * A development verifier for the worker enclave (e.g. to check the quote a result is bound to),
     * pinned to its exact MRENCLAVE and this deployment's SimRoot.
     */
    public QuoteVerifier workerVerifier(Duration nonceTtl) {
        return verifierFor(workerSig, nonceTtl);
    }

    /** A development verifier for the key-authority enclave (for attested public parameters). */
    public QuoteVerifier authorityVerifier(Duration nonceTtl) {
        return verifierFor(authoritySig, nonceTtl);
    }

    private QuoteVerifier verifierFor(SigStruct sig, Duration ttl) {
        EnclaveConstraint c = EnclaveConstraint.builder()
                .acceptCodeHash(sig.mrenclave())
                .productId(PRODUCT_ID)
                .minSvn(sig.svn())
                .allowSimulated()
                .build();
        Clock clock = Clock.systemUTC();
        return QuoteVerifier.development(root.certificate(), c, new NonceRegistry(clock, ttl, 10_000), clock);
    }

    /**
     * What hospitals should trust for this deployment's key authority: the SimRoot and the authority's
     * signer, product id and SVN (not its exact measurement, so upgrades signed by the vendor keep working).
     * Simulated quotes are accepted, as everywhere in the embedded deployment.
     */
    public AuthorityTrust authorityTrust() {
        return new AuthorityTrust(
                root.certificate(),
                EnclaveConstraint.builder()
                        .acceptSigner(authoritySig.mrsigner())
                        .productId(PRODUCT_ID)
                        .minSvn(authoritySig.svn())
                        .maxAttestationAge(Duration.ofMinutes(5))
                        .allowSimulated()
                        .build());
    }

    /**
     * What readers of query results should trust for this deployment's statistics worker, in the same text form
     * as {@link #authorityTrust()}: the SimRoot and the worker's exact MRENCLAVE — the one measurement the key
     * authority's own configuration admits for key release — with the vendor's signer, product id and SVN.
     * Simulated quotes are accepted, as everywhere in the embedded deployment.
     */
    public AuthorityTrust workerTrust() {
        return new AuthorityTrust(
                root.certificate(),
                EnclaveConstraint.builder()
                        .acceptCodeHash(workerSig.mrenclave())
                        .acceptSigner(workerSig.mrsigner())
                        .productId(PRODUCT_ID)
                        .minSvn(workerSig.svn())
                        .allowSimulated()
                        .build());
    }

    /** Stops both enclave processes. */
    @Override
    public void close() throws IOException {
        try {
            worker.close();
        } finally {
            authority.close();
        }
    }
}
