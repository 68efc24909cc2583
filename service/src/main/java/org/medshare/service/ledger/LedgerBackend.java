package org.medshare.service.ledger;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.consortium.Consortium;
import org.medshare.ledger.consortium.ConsortiumReplica;
import org.medshare.ledger.event.Event;

/**
 * Where the service's ledger lives: the embedded log (one member in this process, signing its own checkpoints) or
 * a replica of the consortium's log (events go to the organisations' nodes first; checkpoints are their final ones).
 * Either way {@link #log()} is the copy every read uses.
 */
public final class LedgerBackend {
    private final AuditLog log;
    private final ConsortiumReplica replica;

    private LedgerBackend(AuditLog log, ConsortiumReplica replica) {
        this.log = log;
        this.replica = replica;
    }

    static LedgerBackend embedded(AuditLog log) {
        return new LedgerBackend(log, null);
    }

    static LedgerBackend consortium(ConsortiumReplica replica) {
        return new LedgerBackend(replica.log(), replica);
    }

    /** @return the copy of the log this service reads */
    public AuditLog log() {
        return log;
    }

    /**
     * What makes a checkpoint of this log final: its origin, hash suite ({@code nist} or {@code gm}), the members'
     * checkpoint verifier keys and how many of them must sign. Embedded: the service's own log key, alone. With a
     * consortium: the organisations' node keys and the consortium's quorum; the service holds none of them.
     */
    public record Finality(String origin, String suite, int quorum, List<String> verifierKeys) {
        public Finality {
            verifierKeys = List.copyOf(verifierKeys);
        }
    }

    /** @return what makes a checkpoint of this log final */
    public Finality finality() {
        if (replica == null) {
            return new Finality(
                    log.config().origin(),
                    log.config().suite().id(),
                    1,
                    List.of(log.config().signer().verifier().encode()));
        }
        Consortium c = replica.consortium();
        return new Finality(
                c.origin(),
                c.suite().id(),
                c.quorum(),
                c.members().stream().map(m -> m.key().encode()).toList());
    }

    /** @return the consortium the service is a client of, or empty for the embedded ledger */
    public Optional<Consortium> consortium() {
        return Optional.ofNullable(replica).map(ConsortiumReplica::consortium);
    }

    /** @return why the replica stopped recording checkpoints (a node presented a fork), if it did */
    public Optional<String> splitView() {
        return replica == null ? Optional.empty() : replica.splitView();
    }

    /**
     * Appends {@code events} in order, durably here (and, with a consortium, committed by the group first).
     *
     * @throws org.medshare.ledger.LedgerUnavailableException with a consortium, when no quorum answered in time
     */
    List<Receipt> appendAll(List<Event> events) throws IOException {
        return replica == null ? log.appendAll(events) : replica.appendAll(events);
    }

    void close() throws IOException {
        if (replica == null) {
            log.close();
        } else {
            replica.close();
        }
    }
}
