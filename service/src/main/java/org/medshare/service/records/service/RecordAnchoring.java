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
import org.jboss.logging.Logger;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.Field;
import org.medshare.service.digest.Sha256;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.ledger.LedgerService.LedgerReceipt;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.store.Cid;
import org.medshare.store.ShardStore;

/**
 * Puts committed records on the ledger: appends a record's UPLOAD event (the SHA-256 of its envelope and of its
 * policy text), for a new version of a document also the RECORD_VERSIONED event naming the version it replaces, and
 * marks the record anchored at the UPLOAD event's index, which makes it visible. A record is anchored
 * at most once, also after a crash between its commit and its event.
 */
@ApplicationScoped
public class RecordAnchoring {

    private static final Logger LOG = Logger.getLogger(RecordAnchoring.class);

    private final RecordRepository repository;
    private final ShardStore store;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    @Inject
    RecordAnchoring(RecordRepository repository, ShardStore store, LedgerService ledger) {
        this.repository = repository;
        this.store = store;
        this.ledger = ledger;
    }

    /**
     * Appends the UPLOAD event of a committed, not yet anchored record and marks the record anchored.
     *
     * @return the event's receipt
     */
    public LedgerReceipt anchor(String recordId, String organisation, byte[] envelope, String policy) {
        LedgerReceipt receipt = ledger.append(
                Event.upload(clock.millis(), organisation, recordId, Sha256.of(envelope), Sha256.of(policy)));
        appendVersioned(recordId, organisation);
        QuarkusTransaction.requiringNew()
                .run(() -> repository.byId(recordId).orElseThrow().anchoredAt(receipt.index()));
        return receipt;
    }

    /** For a record that is a new version of a document, the RECORD_VERSIONED event linking it to the one it replaces. */
    private void appendVersioned(String recordId, String organisation) {
        String previous = QuarkusTransaction.requiringNew()
                .call(() -> repository.byId(recordId).orElseThrow().previousId());
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
    public int anchorPending() {
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
            Long index = onLedger.get(record.id());
            if (index != null) {
                if (record.previousId() != null && !versionedOnLedger.contains(record.id())) {
                    appendVersioned(record.id(), record.organisation());
                }
                QuarkusTransaction.requiringNew()
                        .run(() -> repository.byId(record.id()).orElseThrow().anchoredAt(index));
                continue;
            }
            try (InputStream in = store.get(Cid.parse(record.envelopeCid()))) {
                anchor(record.id(), record.organisation(), in.readAllBytes(), record.policy());
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
