package org.medshare.service.anchoring;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.medshare.ledger.anchor.AnchorAccount;
import org.medshare.ledger.anchor.AnchorChain;
import org.medshare.ledger.anchor.AnchorRefusedException;
import org.medshare.ledger.anchor.ChainAnchor;
import org.medshare.ledger.checkpoint.Checkpoint;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.contract.EvmAddress;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.config.MedshareConfig;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerEntry;

/**
 * Anchors the ledger's latest final checkpoint on an external EVM chain (a {@code CheckpointAnchor} contract)
 * once it covers {@code medshare.anchor.every-entries} new entries, or once {@code medshare.anchor.every} has
 * passed with at least one, and records each anchor as an ANCHORED ledger event (chain id, contract,
 * transaction hash, block number, size, root). Off unless {@code medshare.anchor.rpc-url} is set.
 *
 * <p>Guarantees: one background thread does all the work, so anchors are sent one at a time in increasing
 * size. While the chain cannot be reached, attempts are retried with exponential backoff
 * ({@code retry-initial} doubling up to {@code retry-max}); nothing is queued meanwhile, and the first
 * success anchors the latest final checkpoint then, which covers everything appended while the chain was
 * down. After any failure, and at start, the anchors the chain holds are compared with the ledger's
 * ANCHORED entries, and so on every poll where the contract's latest size for this origin exceeds the last
 * recorded anchor: one mined but not yet recorded (the service stopped, or the chain went away, between the
 * transaction and the ledger append) is recorded then — if its root is this log's root at its size. Every
 * poll reads the contract's latest size, so an unreachable chain shows on the health page at once.
 * The anchoring key stays in this process; it is never logged or shown.
 */
@ApplicationScoped
public class CheckpointAnchoring {
    private static final Logger LOG = Logger.getLogger(CheckpointAnchoring.class);
    static final String CONTRACT_FILE = "contract";
    static final String KEY_FILE = "anchor.key";

    private final MedshareConfig config;
    private final LedgerService ledger;
    private volatile AnchorStatus status = AnchorStatus.disabled();

    // owned by the anchoring thread after start
    private ScheduledExecutorService timer;
    private AnchorChain chain;
    private AnchorAccount account;
    private Long chainId;
    private EvmAddress contract;
    private boolean synced;
    private long anchoredSize;
    private AnchorStatus.LastAnchor last;
    private long countedUpTo;
    private long pending;
    private long lastAnchorNanos;
    private int failures;
    private String lastError;
    private long retryDelayMillis;

    @Inject
    CheckpointAnchoring(MedshareConfig config, LedgerService ledger) {
        this.config = config;
        this.ledger = ledger;
    }

    void start(@Observes StartupEvent event) {
        Optional<URI> rpc = config.anchor().rpcUrl();
        if (rpc.isEmpty()) {
            return;
        }
        Path keyFile = config.anchor().keyFile().orElse(anchorDir().resolve(KEY_FILE));
        try {
            account = AnchorAccount.load(keyFile);
            contract = config.anchor()
                    .contract()
                    .map(EvmAddress::parse)
                    .orElse(storedContract().orElse(null));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "checkpoint anchoring is configured (medshare.anchor.rpc-url) but cannot " + "start: "
                            + e.getMessage(),
                    e);
        }
        chain = AnchorChain.connect(rpc.get(), config.anchor().rpcTimeout());
        readAnchorsOnTheLedger();
        lastAnchorNanos = System.nanoTime();
        retryDelayMillis = config.anchor().pollInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "checkpoint-anchoring");
            t.setDaemon(true);
            return t;
        });
        LOG.infof(
                "checkpoint anchoring on %s as %s, every %d entries or %s",
                rpc.get(),
                account.address(),
                config.anchor().everyEntries(),
                config.anchor().every());
        scheduleIn(0);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
            chain.close();
        }
    }

    /** The current state, for the health page. */
    public AnchorStatus status() {
        return status;
    }

    private void scheduleIn(long delayMillis) {
        publish(Instant.now().plusMillis(delayMillis));
        timer.schedule(this::tick, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long delay;
        try {
            attempt();
            failures = 0;
            lastError = null;
            delay = config.anchor().pollInterval().toMillis();
        } catch (IOException e) {
            delay = failed("the chain cannot be reached: " + e.getMessage());
        } catch (AnchorRefusedException e) {
            delay = failed(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("checkpoint anchoring failed", e);
            delay = failed("anchoring failed unexpectedly; see the service log");
        }
        retryDelayMillis = delay;
        if (!timer.isShutdown()) {
            scheduleIn(delay);
        }
    }

    private long failed(String why) {
        failures++;
        lastError = why;
        synced = false;
        long initial = config.anchor().retryInitial().toMillis();
        long delay = Math.min(config.anchor().retryMax().toMillis(), initial << Math.min(failures - 1, 20));
        LOG.warnf("checkpoint anchoring: %s (attempt %d failed; next in %d ms)", why, failures, delay);
        return delay;
    }

    private void attempt() throws IOException, AnchorRefusedException {
        if (chainId == null) {
            chainId = chain.chainId();
        }
        if (contract == null) {
            contract = deployContract();
        }
        String origin = ledger.origin();
        if (!synced || chain.latestSize(contract, origin) > anchoredSize) {
            recordAnchorsMissingFromTheLedger(origin);
            synced = true;
        }
        SignedCheckpoint latest = ledger.latestCheckpoint();
        if (latest == null) {
            return;
        }
        Checkpoint cp = latest.checkpoint();
        countPending(cp.size());
        boolean due = pending >= config.anchor().everyEntries()
                || (pending > 0
                        && System.nanoTime() - lastAnchorNanos
                                >= config.anchor().every().toNanos());
        if (!due || cp.size() <= anchoredSize) {
            return;
        }
        ChainAnchor anchor = chain.anchor(account, contract, cp.origin(), cp.size(), cp.rootHash());
        record(anchor);
    }

    private void countPending(long upTo) {
        while (countedUpTo < upTo) {
            List<LedgerEntry> batch = ledger.entries(countedUpTo, (int) Math.min(upTo - countedUpTo, 1024));
            for (LedgerEntry e : batch) {
                if (e.event().type() != EventType.ANCHORED) {
                    pending++;
                }
            }
            countedUpTo += batch.size();
        }
    }

    private void record(ChainAnchor anchor) {
        long index = ledger.append(anchor.toEvent(System.currentTimeMillis())).index();
        remember(anchor.size(), anchor.root(), anchor.txHashHex(), anchor.blockNumber(), index, Instant.now());
        lastAnchorNanos = System.nanoTime();
        LOG.infof(
                "anchored checkpoint of size %d in transaction %s (block %d, chain %d); ledger entry %d",
                anchor.size(), anchor.txHashHex(), anchor.blockNumber(), anchor.chainId(), index);
    }

    private void remember(long size, byte[] root, String txHash, long block, long ledgerIndex, Instant at) {
        anchoredSize = size;
        last = new AnchorStatus.LastAnchor(size, HexFormat.of().formatHex(root), txHash, block, ledgerIndex, at);
        if (countedUpTo <= size) {
            countedUpTo = size;
            pending = 0;
        }
    }

    private void readAnchorsOnTheLedger() {
        if (contract == null) {
            return;
        }
        for (LedgerEntry e : ledger.entriesOfTypes(EnumSet.of(EventType.ANCHORED))) {
            Event a = e.event();
            if (a.id(Field.CONTRACT).equals(contract.toString()) && a.amount(Field.TREE_SIZE) > anchoredSize) {
                remember(
                        a.amount(Field.TREE_SIZE),
                        a.hash(Field.TREE_ROOT),
                        "0x" + HexFormat.of().formatHex(a.hash(Field.TX_HASH)),
                        a.amount(Field.BLOCK_NUMBER),
                        e.index(),
                        Instant.ofEpochMilli(a.timestampMillis()));
            }
        }
    }

    private void recordAnchorsMissingFromTheLedger(String origin) throws IOException {
        for (ChainAnchor a : chain.anchors(contract, origin)) {
            if (a.size() <= anchoredSize) {
                continue;
            }
            if (a.size() > ledger.size() || !Arrays.equals(ledger.root(a.size()), a.root())) {
                LOG.errorf("the chain holds %s that is not this log's root at that size; not recorded", a);
                anchoredSize = a.size();
                continue;
            }
            record(a);
        }
    }

    private EvmAddress deployContract() throws IOException, AnchorRefusedException {
        EvmAddress deployed = chain.deploy(account, account.address());
        Path dir = anchorDir();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, CONTRACT_FILE, ".tmp");
        Files.writeString(tmp, deployed + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, dir.resolve(CONTRACT_FILE), StandardCopyOption.ATOMIC_MOVE);
        LOG.infof("deployed CheckpointAnchor at %s on chain %d", deployed, chainId);
        return deployed;
    }

    private Optional<EvmAddress> storedContract() throws IOException {
        Path file = anchorDir().resolve(CONTRACT_FILE);
        return Files.exists(file)
                ? Optional.of(EvmAddress.parse(
                        Files.readString(file, StandardCharsets.US_ASCII).strip()))
                : Optional.empty();
    }

    private Path anchorDir() {
        return config.dataDir().resolve("anchor");
    }

    private void publish(Instant nextAttemptAt) {
        status = new AnchorStatus(
                true,
                chainId,
                contract == null ? null : contract.toString(),
                account.address().toString(),
                config.anchor().everyEntries(),
                config.anchor().every().toSeconds(),
                last,
                pending,
                failures,
                lastError,
                nextAttemptAt,
                retryDelayMillis);
    }
}
