package org.medshare.service.ledger;

import java.util.List;
import org.medshare.ledger.LedgerUnavailableException;
import org.medshare.ledger.event.Event;

/**
 * The service's ledger over the real backend, with a switch that makes it answer as it does while a quorum of the
 * consortium's nodes is down: every append is refused with {@link LedgerUnavailableException} and nothing is written.
 * Installed in place of the bean with {@code QuarkusMock}.
 */
public final class OutageLedger extends LedgerService {
    private volatile boolean down;

    public OutageLedger(LedgerBackend backend) {
        super(backend);
    }

    /** From now on appends are refused ({@code true}) or reach the backend again ({@code false}). */
    public void down(boolean down) {
        this.down = down;
    }

    @Override
    public LedgerReceipt append(Event event) {
        refuseIfDown();
        return super.append(event);
    }

    @Override
    public List<LedgerReceipt> appendAll(List<Event> events) {
        refuseIfDown();
        return super.appendAll(events);
    }

    private void refuseIfDown() {
        if (down) {
            throw new LedgerUnavailableException("a quorum of the ledger's nodes is down", null);
        }
    }
}
