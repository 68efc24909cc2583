package org.medshare.service.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.medshare.ledger.AuditLog;
import org.medshare.ledger.Receipt;
import org.medshare.ledger.checkpoint.SignedCheckpoint;
import org.medshare.ledger.event.Event;
import org.medshare.ledger.event.EventCodec;
import org.medshare.ledger.event.EventType;
import org.medshare.ledger.event.MalformedEventException;
import org.medshare.ledger.merkle.ConsistencyProof;
import org.medshare.ledger.merkle.InclusionProof;

/**
 * The service's one way onto the audit ledger: appends events and answers with receipts that a
 * regulator can verify offline (inclusion proof against a signed checkpoint).
 */
@ApplicationScoped
public class LedgerService {

    /** How long an append waits for the checkpoint that covers it (checkpoints are signed per batch). */
    static final Duration CHECKPOINT_WAIT = Duration.ofSeconds(10);

    /**
     * Proof that an event is on the ledger.
     *
     * @param index          the event's position in the log
     * @param leafHash       base64 RFC 9162 leaf hash of the event's canonical encoding
     * @param treeSize       size of the tree the proof and checkpoint are for
     * @param inclusionProof base64 hashes of the RFC 9162 §2.1.3 inclusion proof
     * @param checkpoint     the signed checkpoint (C2SP signed note) for {@code treeSize}
     */
    public record LedgerReceipt(
            long index, String leafHash, long treeSize, List<String> inclusionProof, String checkpoint) {}

    /** One ledger entry as the audit API shows it: type, time and the event's own fields. */
    public record LedgerEntry(long index, Event event) {}

    /**
     * An entry as stored: its canonical encoding and RFC 9162 leaf hash, both base64, and the hash suite.
     *
     * @param suite {@code nist} (SHA-256) or {@code gm} (SM3)
     */
    public record EncodedEntry(long index, String suite, String encoded, String leafHash) {}

    private final LedgerBackend backend;
    private final AuditLog log;

    @Inject
    LedgerService(LedgerBackend backend) {
        this.backend = backend;
        this.log = backend.log();
    }

    /** Appends {@code event}, waits until it is durable and covered by a signed checkpoint. */
    public LedgerReceipt append(Event event) {
        try {
            Receipt receipt = backend.appendAll(List.of(event)).get(0);
            return receiptFor(receipt.index());
        } catch (IOException e) {
            throw new UncheckedIOException("ledger append failed", e);
        }
    }

    /** Appends {@code events} in order as one group commit; receipts in the same order. */
    public List<LedgerReceipt> appendAll(List<Event> events) {
        try {
            List<LedgerReceipt> receipts = new ArrayList<>();
            for (Receipt r : backend.appendAll(events)) {
                receipts.add(receiptFor(r.index()));
            }
            return receipts;
        } catch (IOException e) {
            throw new UncheckedIOException("ledger append failed", e);
        }
    }

    /**
     * Appends {@code events} in order as one group commit and returns their indexes once they are durable, without
     * waiting for the checkpoint that will cover them ({@link #receiptFor} gives it later). For events whose caller
     * needs the trail written before it acts, not a receipt to hand out.
     */
    public List<Long> appendDurably(List<Event> events) {
        try {
            return backend.appendAll(events).stream().map(Receipt::index).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("ledger append failed", e);
        }
    }

    /** A receipt for an entry already on the ledger, against the latest checkpoint covering it. */
    public LedgerReceipt receiptFor(long index) {
        SignedCheckpoint checkpoint;
        try {
            checkpoint = log.awaitCheckpoint(index, CHECKPOINT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a checkpoint", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no checkpoint covered entry " + index + " in time", e);
        }
        return receiptAgainst(index, checkpoint);
    }

    /**
     * A receipt for entry {@code index} against the checkpoint this ledger signed at {@code treeSize} (the latest
     * record of it, with every cosignature), or null when it signed none of that size.
     *
     * @throws IllegalArgumentException unless {@code index < treeSize}
     */
    public LedgerReceipt receiptAt(long index, long treeSize) {
        if (index >= treeSize) {
            throw new IllegalArgumentException("entry " + index + " is not in a tree of size " + treeSize);
        }
        SignedCheckpoint found = null;
        for (SignedCheckpoint c : log.checkpoints()) {
            if (c.checkpoint().size() == treeSize) {
                found = c;
            }
        }
        return found == null ? null : receiptAgainst(index, found);
    }

    private LedgerReceipt receiptAgainst(long index, SignedCheckpoint checkpoint) {
        long size = checkpoint.checkpoint().size();
        InclusionProof proof = log.inclusionProof(index, size);
        Base64.Encoder b64 = Base64.getEncoder();
        return new LedgerReceipt(
                index,
                b64.encodeToString(proof.leafHash()),
                size,
                proof.hashes().stream().map(b64::encodeToString).toList(),
                checkpoint.format());
    }

    /** Entries {@code [from, from + limit)} that exist. */
    public List<LedgerEntry> entries(long from, int limit) {
        long end = Math.min(log.size(), from + limit);
        List<LedgerEntry> out = new ArrayList<>();
        try {
            for (long i = Math.max(0, from); i < end; i++) {
                out.add(new LedgerEntry(i, log.read(i)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ledger read failed", e);
        }
        return out;
    }

    /**
     * Every entry of one of {@code types}, in ledger order (only those entries are decoded).
     */
    public List<LedgerEntry> entriesOfTypes(Set<EventType> types) {
        List<LedgerEntry> out = new ArrayList<>();
        long size = log.size();
        try {
            for (long i = 0; i < size; i++) {
                byte[] encoded = log.readEncoded(i);
                if (encoded.length > 1 && types.stream().anyMatch(t -> t.code() == (encoded[1] & 0xff))) {
                    out.add(new LedgerEntry(i, EventCodec.decode(encoded)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("ledger read failed", e);
        } catch (MalformedEventException e) {
            throw new IllegalStateException("the ledger holds an entry that is not a canonical event", e);
        }
        return out;
    }

    /** Entry {@code index} as stored; requires {@code 0 <= index < size()}. */
    public EncodedEntry encodedEntry(long index) {
        try {
            Base64.Encoder b64 = Base64.getEncoder();
            return new EncodedEntry(
                    index,
                    log.config().suite().id(),
                    b64.encodeToString(log.readEncoded(index)),
                    b64.encodeToString(log.leafHash(index)));
        } catch (IOException e) {
            throw new UncheckedIOException("ledger read failed", e);
        }
    }

    public long size() {
        return log.size();
    }

    /** What makes a checkpoint of this log final (see {@link LedgerBackend.Finality}). */
    public LedgerBackend.Finality finality() {
        return backend.finality();
    }

    /** The log's checkpoint origin line (the embedded setting, or the consortium file's). */
    public String origin() {
        return log.config().origin();
    }

    /** The RFC 9162 root of the first {@code treeSize} entries; requires {@code treeSize <= size()}. */
    public byte[] root(long treeSize) {
        return log.root(treeSize);
    }

    /** The latest signed checkpoint as a signed note, or null before the first. */
    public SignedCheckpoint latestCheckpoint() {
        return log.latestCheckpoint();
    }

    public List<SignedCheckpoint> checkpoints() {
        return log.checkpoints();
    }

    /** RFC 9162 §2.1.4 consistency proof between two tree sizes, base64 hashes. */
    public List<String> consistencyProof(long size1, long size2) {
        ConsistencyProof proof = log.consistencyProof(size1, size2);
        return proof.hashes().stream().map(Base64.getEncoder()::encodeToString).toList();
    }
}
