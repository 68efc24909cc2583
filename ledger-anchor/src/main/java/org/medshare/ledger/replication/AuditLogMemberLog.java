package org.medshare.ledger.replication;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.MalformedEventException;

/**
 * A member's durable {@link AuditLog} as the {@link MemberLog} that replication
 * applies batches to. Replicated entries are canonical event encodings
 * ({@link EventCodec}); a batch holding any malformed entry is refused whole,
 * identically on every member, and appends nothing. Proofs and the witness's
 * checks use the log's own hash suite (SHA-256 or SM3). Final checkpoints are written into the
 * log's checkpoint file with every member's cosignature line ({@link AuditLog#recordWitnessedCheckpoint}),
 * so open the {@link AuditLog} trusting every member's key
 * ({@code AuditLogConfig.Builder.trust(directory verifiers)}).
 */
public final class AuditLogMemberLog implements MemberLog {
    private final AuditLog log;
    private final TreeVerifier verifier;

    public AuditLogMemberLog(AuditLog log) {
        this.log = Objects.requireNonNull(log, "log");
        this.verifier = TreeVerifier.of(log.hasher());
    }

    @Override
    public long size() {
        return log.size();
    }

    /**
     * @throws IllegalArgumentException if an entry is not a canonical event encoding
     */
    @Override
    public void check(List<byte[]> entries) {
        decode(entries);
    }

    /**
     * @throws IllegalArgumentException if an entry is not a canonical event encoding (nothing appended)
     */
    @Override
    public void append(List<byte[]> entries) throws IOException {
        log.appendAll(decode(entries));
    }

    private static List<Event> decode(List<byte[]> entries) {
        List<Event> events = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            try {
                events.add(EventCodec.decode(entries.get(i)));
            } catch (MalformedEventException e) {
                throw new IllegalArgumentException("batch entry " + i + " is not a canonical event: " + e.getMessage(), e);
            }
        }
        return events;
    }

    @Override
    public byte[] root(long size) {
        return log.root(size);
    }

    @Override
    public List<byte[]> consistencyProof(long size1, long size2) {
        return log.consistencyProof(size1, size2).hashes();
    }

    @Override
    public void recordFinal(FinalCheckpoint checkpoint, MemberDirectory directory)
            throws IOException, GeneralSecurityException {
        log.recordWitnessedCheckpoint(checkpoint.toSignedCheckpoint(directory));
    }

    @Override
    public TreeVerifier verifier() {
        return verifier;
    }
}
