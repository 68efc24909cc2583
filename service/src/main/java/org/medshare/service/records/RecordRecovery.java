package org.medshare.service.records;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.medshare.service.records.service.RecordAnchoring;

/** At start, anchors the records an interrupted upload left committed but not yet on the ledger. */
@ApplicationScoped
public class RecordRecovery {

    void onStart(@Observes StartupEvent event, RecordAnchoring records) {
        records.anchorPending();
    }
}
