package org.medshare.service.health.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.medshare.enclave.EnclaveIdentity;
import org.medshare.enclave.EnclaveMode;
import org.medshare.enclave.host.EmbeddedEnclaves;
import org.medshare.enclave.host.EnclaveHost;
import org.medshare.ledger.checkpoint.NoteSignature;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.service.anchoring.AnchorStatus;
import org.medshare.service.anchoring.CheckpointAnchoring;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.enclave.EnclaveGateway;
import org.medshare.service.ledger.LedgerBackend;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.store.StoreMaintenance;
import org.medshare.service.store.StoreMaintenance.ScrubSummary;
import org.medshare.service.store.StoreProducer;
import org.medshare.service.store.StoreTopology;
import org.medshare.store.NodeHealth;
import org.medshare.store.ShardStore;

/**
 * One read-only snapshot of the platform for the monitoring page: the ledger members and their latest
 * checkpoint, the last anchor of a checkpoint on an external chain, the storage nodes, and the simulated enclaves. It reads state only: it starts no enclave,
 * contacts no storage node and signs nothing. It carries ids, sizes and hashes, never record content.
 */
@ApplicationScoped
public class PlatformHealthService {

    /** The whole snapshot; {@code anchor} is the checkpoint anchoring on an external EVM chain. */
    public record PlatformHealth(LedgerHealth ledger, AnchorStatus anchor, StoreHealth store, EnclaveHealth enclave) {}

    /**
     * The audit ledger.
     *
     * @param suite          {@code nist} (SHA-256) or {@code gm} (SM3)
     * @param size           entries in the log
     * @param checkpoint     the latest signed checkpoint, or null before the first
     * @param members        the members that signed it, with how far behind the log each is
     * @param replication    how the ledger is replicated in this deployment, in words
     */
    public record LedgerHealth(
            String suite,
            String origin,
            long size,
            @Schema(nullable = true) CheckpointView checkpoint,
            List<MemberView> members,
            String replication) {}

    /** A signed checkpoint: the C2SP signed note and its parsed parts (root hash in base64). */
    public record CheckpointView(long size, String rootHash, String note, List<SignatureView> signatures) {}

    /** One signature line of a checkpoint: key name and the 4-byte key id in hex. */
    public record SignatureView(String keyName, String keyId) {}

    /**
     * A ledger member.
     *
     * @param name             its checkpoint key name
     * @param role             embedded: {@code leader}; with a consortium: {@code cosigner} (its organisation's node
     *                         cosigned the latest final checkpoint) or {@code absent} (it did not)
     * @param lastCosignedSize tree size of the latest checkpoint it signed
     * @param lag              entries appended after that checkpoint (not yet covered by its signature)
     */
    public record MemberView(String name, String role, long lastCosignedSize, long lag) {}

    /**
     * The erasure-coded shard store.
     *
     * @param maxShardsPerOrganisation the most shards of one stripe any organisation holds
     * @param organisations the nodes grouped by the organisation that runs them, by name
     */
    public record StoreHealth(
            int k,
            int n,
            int maxShardsPerOrganisation,
            List<NodeView> nodes,
            List<OrganisationView> organisations,
            int repairQueue,
            @Schema(nullable = true) ScrubSummary lastScrub) {}

    /**
     * A storage node: up or marked down after consecutive failures, and the shards and shard bytes of live
     * records placed on it.
     *
     * @param backend {@code local}, {@code s3} or {@code hdfs}
     * @param location {@code local}, the S3 endpoint and bucket, or the HDFS URI and directory (never credentials)
     * @param weight the node's relative capacity in placement
     */
    public record NodeView(
            String id,
            String organisation,
            String backend,
            String location,
            double weight,
            boolean up,
            int consecutiveFailures,
            int shards,
            long bytes) {}

    /** One organisation's storage: its nodes' ids and their shard and byte totals. */
    public record OrganisationView(String organisation, List<String> nodes, int shards, long bytes) {}

    /** The simulated TEE: mode, and each enclave's reported identity once started. */
    public record EnclaveHealth(String mode, boolean started, List<EnclaveView> enclaves, String note) {}

    /**
     * One enclave.
     *
     * @param role        {@code key-authority} or {@code statistics-worker}
     * @param measurement MRENCLAVE (hex): SHA-256 over its code and config
     * @param signer      MRSIGNER (hex)
     * @param pid         the enclave host's operating-system process id, shown to the regulator only (it names a
     *                    process on the operator's hosts, which the regulator may match against the operator's logs
     *                    in an inspection; to hospitals and insurers it says nothing they need); null otherwise
     */
    public record EnclaveView(
            String role,
            String measurement,
            String signer,
            int productId,
            int svn,
            boolean debug,
            @Schema(nullable = true) Long pid,
            String banner) {}

    private final MedshareConfig config;
    private final LedgerService ledger;
    private final LedgerBackend backend;
    private final ShardStore store;
    private final StoreTopology topology;
    private final StoreMaintenance maintenance;
    private final EnclaveGateway enclaves;
    private final CheckpointAnchoring anchoring;

    @Inject
    PlatformHealthService(
            MedshareConfig config,
            LedgerService ledger,
            LedgerBackend backend,
            ShardStore store,
            StoreTopology topology,
            StoreMaintenance maintenance,
            EnclaveGateway enclaves,
            CheckpointAnchoring anchoring) {
        this.config = config;
        this.ledger = ledger;
        this.backend = backend;
        this.store = store;
        this.topology = topology;
        this.maintenance = maintenance;
        this.enclaves = enclaves;
        this.anchoring = anchoring;
    }

    /**
     * The platform's state now.
     *
     * @param withProcessIds whether the enclaves' process ids are included (for the regulator only)
     */
    public PlatformHealth snapshot(boolean withProcessIds) {
        return new PlatformHealth(ledgerHealth(), anchoring.status(), storeHealth(), enclaveHealth(withProcessIds));
    }

    private LedgerHealth ledgerHealth() {
        long size = ledger.size();
        SignedCheckpoint latest = ledger.latestCheckpoint();
        Optional<Consortium> consortium = backend.consortium();
        CheckpointView checkpoint = null;
        List<MemberView> members = new ArrayList<>();
        if (latest != null) {
            List<SignatureView> signatures = new ArrayList<>();
            for (NoteSignature s : latest.note().signatures()) {
                signatures.add(new SignatureView(s.keyName(), String.format("%08x", s.keyId())));
            }
            checkpoint = new CheckpointView(
                    latest.checkpoint().size(),
                    Base64.getEncoder().encodeToString(latest.checkpoint().rootHash()),
                    latest.format(),
                    signatures);
        }
        long covered = latest == null ? 0 : latest.checkpoint().size();
        if (consortium.isPresent()) {
            Set<String> signed = new HashSet<>();
            if (latest != null) {
                latest.note().signatures().forEach(s -> signed.add(s.keyName()));
            }
            for (Consortium.Member m : consortium.get().members()) {
                boolean cosigned = signed.contains(m.organisation());
                members.add(new MemberView(
                        m.organisation(), cosigned ? "cosigner" : "absent", cosigned ? covered : 0, size - covered));
            }
        } else if (latest != null) {
            NoteSignature own = latest.note().signatures().get(0);
            members.add(new MemberView(own.keyName(), "leader", covered, size - covered));
        }
        String replication = consortium
                .map(c -> "consortium: " + c.members().size() + " organisations' nodes replicate the log and cosign"
                        + " its checkpoints; final with " + c.quorum() + " of them; this service is a client of the"
                        + " group and signs no checkpoint; "
                        + c.transportRoot()
                                .map(root -> "the group runs with mutual TLS under the transport root "
                                        + root.getSubjectX500Principal().getName())
                                .orElse("the group runs WITHOUT TLS (no tls-root in the consortium file)")
                        + backend.splitView().map(v -> "; SPLIT VIEW: " + v).orElse(""))
                .orElse("embedded: one member orders, signs and stores every checkpoint");
        return new LedgerHealth(
                consortium.map(c -> c.suite().id()).orElse(config.ledger().suite()),
                consortium.map(Consortium::origin).orElse(config.ledger().origin()),
                size,
                checkpoint,
                members,
                replication);
    }

    private StoreHealth storeHealth() {
        NodeHealth health = store.health();
        Map<String, Integer> shards = store.shardCounts();
        Map<String, Long> bytes = store.shardBytes();
        List<NodeView> nodes = topology.nodes().stream()
                .map(node -> new NodeView(
                        node.id(),
                        node.organisation(),
                        node.kind(),
                        node.location(),
                        node.weight(),
                        health.isUp(node.id()),
                        health.consecutiveFailures(node.id()),
                        shards.getOrDefault(node.id(), 0),
                        bytes.getOrDefault(node.id(), 0L)))
                .toList();
        Map<String, List<NodeView>> byOrganisation = new TreeMap<>();
        for (NodeView node : nodes) {
            byOrganisation
                    .computeIfAbsent(node.organisation(), o -> new ArrayList<>())
                    .add(node);
        }
        List<OrganisationView> organisations = byOrganisation.entrySet().stream()
                .map(e -> new OrganisationView(
                        e.getKey(),
                        e.getValue().stream().map(NodeView::id).toList(),
                        e.getValue().stream().mapToInt(NodeView::shards).sum(),
                        e.getValue().stream().mapToLong(NodeView::bytes).sum()))
                .toList();
        return new StoreHealth(
                config.store().k(),
                config.store().n(),
                StoreProducer.maxShardsPerOrganisation(
                        config.store().k(), config.store().n()),
                nodes,
                organisations,
                store.repairQueueSize(),
                maintenance.lastScrub().orElse(null));
    }

    private EnclaveHealth enclaveHealth(boolean withProcessIds) {
        String mode = EnclaveMode.SIMULATED.name();
        String note = "SIMULATED: ordinary JVM processes with measured code and simulated quotes; "
                + "no hardware protects them.";
        Optional<EmbeddedEnclaves> running = enclaves.startedEnclaves();
        if (running.isEmpty()) {
            return new EnclaveHealth(
                    mode, false, List.of(), note + " Not running: they start with the service or on first use.");
        }
        EmbeddedEnclaves e = running.get();
        return new EnclaveHealth(
                mode,
                true,
                List.of(
                        view("key-authority", e.authority(), withProcessIds),
                        view("statistics-worker", e.worker(), withProcessIds)),
                note);
    }

    private static EnclaveView view(String role, EnclaveHost host, boolean withProcessId) {
        EnclaveIdentity id = host.identity();
        HexFormat hex = HexFormat.of();
        return new EnclaveView(
                role,
                hex.formatHex(id.mrenclave()),
                hex.formatHex(id.mrsigner()),
                id.productId(),
                id.svn(),
                id.debug(),
                withProcessId ? host.pid() : null,
                host.banner());
    }
}
