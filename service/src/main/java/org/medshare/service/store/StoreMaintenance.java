package org.medshare.service.store;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.jboss.logging.Logger;
import org.medshare.service.config.MedshareConfig;
import org.medshare.store.ScrubReport;
import org.medshare.store.ShardStore;

/**
 * Background care of the shard store: every {@code medshare.store.scrub-interval} (first after
 * {@code medshare.store.scrub-initial-delay}) it probes down nodes, then scrubs every shard against its CID
 * and repairs what is missing or corrupt. The outcome of the last pass is kept for the health page.
 * A zero or negative interval disables it.
 */
@ApplicationScoped
public class StoreMaintenance {

    private static final Logger LOG = Logger.getLogger(StoreMaintenance.class);

    /**
     * What the last scrub pass found and did.
     *
     * @param finishedAt     when the pass ended
     * @param durationMillis how long it ran
     * @param shardsChecked  shards read and re-hashed
     * @param bytesChecked   bytes re-hashed
     * @param corrupt        shards whose bytes did not match their CID
     * @param missing        shards absent or on an unreachable node
     * @param shardsRebuilt  shards the repair wrote again
     * @param unrecoverable  records with a stripe below k good shards
     * @param failure        why the pass stopped early, or null when it completed
     */
    public record ScrubSummary(
            Instant finishedAt,
            long durationMillis,
            long shardsChecked,
            long bytesChecked,
            int corrupt,
            int missing,
            int shardsRebuilt,
            int unrecoverable,
            @Schema(nullable = true) String failure) {}

    private final ShardStore store;
    private final Duration interval;
    private final Duration initialDelay;
    private volatile ScrubSummary last;
    private ScheduledExecutorService timer;

    @Inject
    StoreMaintenance(ShardStore store, MedshareConfig config) {
        this.store = store;
        this.interval = config.store().scrubInterval();
        this.initialDelay = config.store().scrubInitialDelay();
    }

    void start(@Observes StartupEvent event) {
        if (interval.isZero() || interval.isNegative()) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "store-scrub");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(
                this::scrubNow, Math.max(0, initialDelay.toMillis()), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** The last completed or failed pass, empty before the first. */
    public Optional<ScrubSummary> lastScrub() {
        return Optional.ofNullable(last);
    }

    /** Runs one probe + scrub + repair pass now (on the caller's thread) and records its outcome. */
    public synchronized ScrubSummary scrubNow() {
        long start = System.nanoTime();
        ScrubSummary summary;
        try {
            store.probeNodes();
            ScrubReport report = store.scrub();
            summary = new ScrubSummary(
                    Instant.now(),
                    elapsedMillis(start),
                    report.shardsChecked(),
                    report.bytesChecked(),
                    report.corrupt().size(),
                    report.missing().size(),
                    report.repair().shardsRebuilt(),
                    report.repair().unrecoverable(),
                    null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("shard store scrub failed", e);
            summary = new ScrubSummary(
                    Instant.now(),
                    elapsedMillis(start),
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    "The scrub stopped early: a storage node could not be read.");
        }
        last = summary;
        return summary;
    }

    private static long elapsedMillis(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
