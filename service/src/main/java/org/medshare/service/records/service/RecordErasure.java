package org.medshare.service.records.service;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Clock;
import org.jboss.logging.Logger;
import org.medshare.ledger.event.Event;
import org.medshare.service.consent.persistence.ConsentRepository;
import org.medshare.service.identity.Caller;
import org.medshare.service.ledger.LedgerService;
import org.medshare.service.records.persistence.RecordEntity;
import org.medshare.service.records.persistence.RecordRepository;
import org.medshare.service.refusal.RequestRefusedException;
import org.medshare.store.Cid;
import org.medshare.store.GcReport;
import org.medshare.store.ShardStore;

/**
 * Erasure of a record at its hospital's request (retention or a patient's erasure request).
 *
 * <p>Guarantees, in this order: the record and the patients it named leave the database in one transaction, so no
 * later query, search or download sees it; the store drops the hospital's references to its envelope and rows and
 * its garbage collection deletes their shards from every storage node that answers (a node that is down loses them
 * at its next collection, since nothing references them any more); the ledger gets an ERASED event with the
 * hospital's and the record's ids only. Another organisation's record, or one not yet anchored, is not found.
 */
@ApplicationScoped
public class RecordErasure {
    private static final Logger LOG = Logger.getLogger(RecordErasure.class);

    private final RecordRepository records;
    private final ConsentRepository consents;
    private final ShardStore store;
    private final LedgerService ledger;
    private final Clock clock = Clock.systemUTC();

    /** What an erasure did: the ERASED event's ledger index and the shards garbage collection deleted. */
    public record Erasure(String recordId, long ledgerIndex, int shardsDeleted) {}

    @Inject
    RecordErasure(RecordRepository records, ConsentRepository consents, ShardStore store, LedgerService ledger) {
        this.records = records;
        this.consents = consents;
        this.store = store;
        this.ledger = ledger;
    }

    /**
     * Erases {@code recordId}, a record of the caller's organisation.
     *
     * @throws RequestRefusedException not found if the record is not an anchored record of the caller's organisation
     */
    public Erasure erase(Caller caller, String recordId) {
        RecordEntity record = QuarkusTransaction.requiringNew().call(() -> {
            RecordEntity found = records.byId(recordId)
                    .filter(r -> r.ledgerIndex() != null)
                    .filter(r -> r.organisation().equals(caller.organisation()))
                    .orElseThrow(() -> RequestRefusedException.notFound("Record " + recordId));
            records.delete(found);
            consents.forgetRecord(recordId);
            return found;
        });
        dropReference(record.organisation(), record.envelopeCid());
        if (record.rowsCid() != null) {
            dropReference(record.organisation(), record.rowsCid());
        }
        int deleted = 0;
        try {
            GcReport gc = store.collectGarbage();
            deleted = gc.shardsDeleted();
        } catch (IOException e) {
            LOG.warnf("garbage collection after erasing %s failed; the next one deletes its shards", recordId);
        }
        long index = ledger.append(Event.erased(clock.millis(), caller.organisation(), recordId))
                .index();
        return new Erasure(recordId, index, deleted);
    }

    private void dropReference(String organisation, String cid) {
        try {
            store.delete(organisation, Cid.parse(cid));
        } catch (IOException e) {
            LOG.errorf("the store could not drop a reference to %s of an erased record: its shards stay stored", cid);
        }
    }
}
