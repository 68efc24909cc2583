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
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.medshare.abe.PublicParameters;
import org.medshare.abe.Suite;
import org.medshare.enclave.host.AuthorityTrust;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveCallException;
import org.medshare.enclave.host.KeyAuthorityClient;
import org.medshare.enclave.ledger.LedgerProof;
import org.medshare.enclave.ledger.LedgerTrust;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.ledger.LedgerBackend;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;

/**
 * The service's link to the simulated trusted execution environment: the key-authority enclave and the statistics
 * worker enclave, each in its own JVM, started on first use over the platform state in
 * {@code data-dir/enclave}. The service never holds the ABE master key or a user key: it relays public
 * parameters, approvals and ciphertext. The authority is started trusting the consortium's {@link PartyKeys} and
 * nothing the service holds: the regulator signs query approvals and each hospital its clinicians' key grants on
 * their own side. Each party key the authority trusts is on the ledger (PARTY_KEY_REGISTERED) before the authority
 * starts with it.
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
    private final PartyKeys parties;
    private final LedgerService ledger;
    private final String initialEpoch;
    private EmbeddedEnclaves enclaves;

    @Inject
    EnclaveGateway(MedshareConfig config, PartyKeys parties, LedgerService ledger) {
        this.dir = config.dataDir().resolve("enclave");
        this.suite = Suite.fromLabel(config.records().suite());
        this.initialEpoch = config.records().currentEpoch();
        this.parties = parties;
        this.ledger = ledger;
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
                registerPartyKeys();
                enclaves = EmbeddedEnclaves.start(dir, parties.trusted(), ledgerTrust(), SVN, suite, initialEpoch);
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

    /** The checkpoints the key authority accepts as final: this ledger's, with its keys and quorum. */
    private LedgerTrust ledgerTrust() {
        LedgerBackend.Finality f = ledger.finality();
        return LedgerTrust.of(f.origin(), f.suite(), f.quorum(), f.verifierKeys());
    }

    /**
     * What the key authority needs to see that the entry of {@code receipt} is on the ledger: the entry as stored,
     * the receipt's inclusion proof and the checkpoint it is against.
     */
    public LedgerProof proofOf(LedgerReceipt receipt) {
        Base64.Decoder b64 = Base64.getDecoder();
        return new LedgerProof(
                b64.decode(ledger.encodedEntry(receipt.index()).encoded()),
                receipt.index(),
                receipt.treeSize(),
                receipt.inclusionProof().stream().map(b64::decode).toList(),
                receipt.checkpoint());
    }

    /** The enclaves if they have been started, without starting them. */
    public synchronized Optional<EmbeddedEnclaves> startedEnclaves() {
        return Optional.ofNullable(enclaves);
    }

    /** Appends PARTY_KEY_REGISTERED for each party key the ledger does not name yet. */
    private void registerPartyKeys() {
        Set<String> registered = ledger.entriesOfTypes(Set.of(EventType.PARTY_KEY_REGISTERED)).stream()
                .map(e -> e.event().id(Field.ROLE) + " " + e.event().id(Field.KEY_ID))
                .collect(Collectors.toSet());
        List<Event> events = parties.all().stream()
                .filter(k -> !registered.contains(k.role() + " " + k.keyId()))
                .map(k -> Event.builder(EventType.PARTY_KEY_REGISTERED)
                        .timestamp(System.currentTimeMillis())
                        .id(Field.ACTOR, "service")
                        .id(Field.ORGANISATION, k.organisation())
                        .id(Field.ROLE, k.role())
                        .id(Field.KEY_ID, k.keyId())
                        .build())
                .toList();
        if (!events.isEmpty()) {
            ledger.appendDurably(events);
        }
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
}
