package org.medshare.service.records.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;
import org.medshare.ledger.LedgerUnavailableException;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.digest.Sha256;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.service.refusal.RequestRefusedException;
import org.medshare.store.Cid;
import org.medshare.store.ShardStore;

/**
 * Puts committed records on the ledger: appends a record's UPLOAD event (the SHA-256 of its envelope and of its
 * policy text), for a new version of a document also the RECORD_VERSIONED event naming the version it replaces, and
 * marks the record anchored at the UPLOAD event's index, which makes it visible. A record is anchored
 * at most once, also after a crash between its commit and its event. When the ledger is unavailable (a consortium
 * without a quorum of nodes up) the upload is refused and its record stays invisible; pending records are then
 * anchored again every few seconds until the ledger takes them, so the client's retry finds its upload done.
 */
@ApplicationScoped
public class RecordAnchoring {

    private static final Logger LOG = Logger.getLogger(RecordAnchoring.class);
    /** Seconds between attempts to anchor records left pending while the ledger was unavailable. */
    static final long RETRY_SECONDS = 3;

    private final RecordRepository repository;
    private final ShardStore store;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean retryScheduled = new AtomicBoolean();
    private final ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "record-anchoring-retry");
        t.setDaemon(true);
        return t;
    });

    @Inject
    RecordAnchoring(RecordRepository repository, ShardStore store, LedgerService ledger) {
        this.repository = repository;
        this.store = store;
        this.ledger = ledger;
    }

    /**
     * Appends the UPLOAD event of a committed, not yet anchored record (and, for a new version of a document, the
     * RECORD_VERSIONED event linking it to {@code previousId}) and marks the record anchored.
     *
     * @param previousId the version the record replaces, null for none
     * @return the event's receipt
     */
    public LedgerReceipt anchor(
            String recordId, String organisation, String previousId, byte[] envelope, String policy) {
        if (!inFlight.add(recordId)) {
            throw RequestRefusedException.conflict(
                    "upload-in-progress",
                    "Upload in progress",
                    "This record is being put on the ledger at the moment; retry shortly.");
        }
        try {
            LedgerReceipt receipt = ledger.append(
                    Event.upload(clock.millis(), organisation, recordId, Sha256.of(envelope), Sha256.of(policy)));
            appendVersioned(recordId, organisation, previousId);
            QuarkusTransaction.requiringNew()
                    .run(() -> repository.byId(recordId).orElseThrow().anchoredAt(receipt.index()));
            return receipt;
        } catch (LedgerUnavailableException e) {
            retryPendingLater();
            throw e;
        } finally {
            inFlight.remove(recordId);
        }
    }

    private void retryPendingLater() {
        if (retryScheduled.compareAndSet(false, true)) {
            retry.schedule(this::retryPending, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }

    private void retryPending() {
        retryScheduled.set(false);
        try {
            anchorPending();
        } catch (LedgerUnavailableException e) {
            retryPendingLater();
        } catch (RuntimeException e) {
            LOG.warnf(
                    "pending records could not be anchored yet (%s); retrying",
                    e.getClass().getSimpleName());
            retryPendingLater();
        }
    }

    /** For a record that is a new version of a document, the RECORD_VERSIONED event linking it to the one it replaces. */
    private void appendVersioned(String recordId, String organisation, String previous) {
        if (previous != null) {
            ledger.append(Event.recordVersioned(clock.millis(), organisation, recordId, previous));
        }
    }

    /**
     * Anchors records whose row was committed but whose UPLOAD event was not appended (crash recovery). A record
     * whose event did reach the ledger before the crash (killed while waiting for the checkpoint) takes that
     * event's index instead of a second UPLOAD event.
     *
     * @return how many records were pending
     */
    public synchronized int anchorPending() {
        List<RecordEntity> pending = QuarkusTransaction.requiringNew().call(repository::unanchored);
        Map<String, Long> onLedger = new HashMap<>();
        Set<String> versionedOnLedger = new HashSet<>();
        if (!pending.isEmpty()) {
            for (LedgerService.LedgerEntry e :
                    ledger.entriesOfTypes(Set.of(EventType.UPLOAD, EventType.RECORD_VERSIONED))) {
                if (e.event().type() == EventType.UPLOAD) {
                    onLedger.putIfAbsent(e.event().id(Field.RECORD_ID), e.index());
                } else {
                    versionedOnLedger.add(e.event().id(Field.RECORD_ID));
                }
            }
        }
        for (RecordEntity record : pending) {
            if (inFlight.contains(record.id())) {
                continue;
            }
            Long index = onLedger.get(record.id());
            if (index != null) {
                if (record.previousId() != null && !versionedOnLedger.contains(record.id())) {
                    appendVersioned(record.id(), record.organisation(), record.previousId());
                }
                QuarkusTransaction.requiringNew()
                        .run(() -> repository.byId(record.id()).orElseThrow().anchoredAt(index));
                continue;
            }
            try (InputStream in = store.get(Cid.parse(record.envelopeCid()))) {
                anchor(record.id(), record.organisation(), record.previousId(), in.readAllBytes(), record.policy());
            } catch (RequestRefusedException inProgress) {
                // its upload request anchors it at this moment
            } catch (IOException e) {
                throw new UncheckedIOException("pending record " + record.id() + " cannot be anchored", e);
            }
        }
        if (!pending.isEmpty()) {
            LOG.infof("anchored %d record(s) left pending by an interrupted upload", pending.size());
        }
        return pending.size();
    }
}
