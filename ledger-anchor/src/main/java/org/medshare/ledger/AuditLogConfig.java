package org.medshare.ledger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.medshare.ledger.checkpoint.CheckpointSigner;
import org.medshare.ledger.checkpoint.NoteVerifier;

/**
 * Configuration of an {@link AuditLog}, built and validated by {@link #builder}. Holds no secrets
 * other than the injected signer (whose key never leaves it).
 *
 * @param origin checkpoint origin line (C2SP tlog-checkpoint), e.g. {@code medshare.example/ledger}
 * @param signer signs checkpoints of this log, or null for a replica that signs nothing and holds only the
 *     checkpoints others signed ({@link AuditLog#recordWitnessedCheckpoint})
 * @param trustedKeys keys whose signatures on stored checkpoints are accepted at open (the signer's
 *     verifier is always included)
 * @param checkpointEveryEvents sign a checkpoint once this many events are durable since the last one
 * @param checkpointInterval ... or once this much time has passed with unsigned durable events
 * @param maxBatch most events written and fsynced together (group commit)
 * @param queueCapacity pending appends beyond which {@link LogOverloadedException} is thrown
 * @param segmentBytes size after which a new segment file is started
 */
public record AuditLogConfig(
        LedgerSuite suite,
        String origin,
        CheckpointSigner signer,
        List<NoteVerifier> trustedKeys,
        int checkpointEveryEvents,
        Duration checkpointInterval,
        int maxBatch,
        int queueCapacity,
        long segmentBytes) {
    public AuditLogConfig {
        Objects.requireNonNull(suite, "suite");
        if (origin == null || origin.isBlank() || origin.chars().anyMatch(c -> c < 0x20)) {
            throw new IllegalArgumentException("origin must be a non-empty single line");
        }
        if (checkpointEveryEvents < 1 || maxBatch < 1 || queueCapacity < 1) {
            throw new IllegalArgumentException("checkpointEveryEvents, maxBatch and queueCapacity must be >= 1");
        }
        if (checkpointInterval.isNegative() || checkpointInterval.isZero()) {
            throw new IllegalArgumentException("checkpointInterval must be > 0");
        }
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("segmentBytes must be >= 4096");
        }
        List<NoteVerifier> keys = new ArrayList<>(trustedKeys);
        if (signer == null && keys.isEmpty()) {
            throw new IllegalArgumentException("a replica that signs nothing must trust the keys that sign for it");
        }
        if (signer != null
                && keys.stream()
                        .noneMatch(
                                k -> k.keyId() == signer.keyId() && k.keyName().equals(signer.keyName()))) {
            keys.add(0, signer.verifier());
        }
        trustedKeys = List.copyOf(keys);
    }

    public static Builder builder(LedgerSuite suite, String origin, CheckpointSigner signer) {
        return new Builder(suite, origin, Objects.requireNonNull(signer, "signer"));
    }

    /**
     * Builder of a replica's log: it signs no checkpoint of its own; its checkpoints are the ones others signed
     * and it recorded ({@link AuditLog#recordWitnessedCheckpoint}), from keys given with {@link Builder#trust}.
     */
    public static Builder replica(LedgerSuite suite, String origin) {
        return new Builder(suite, origin, null);
    }

    /** Builder with defaults: checkpoint every 1000 events or 500 ms, batches of up to 4096, 64 MiB segments. */
    public static final class Builder {
        private final LedgerSuite suite;
        private final String origin;
        private final CheckpointSigner signer;
        private final List<NoteVerifier> trusted = new ArrayList<>();
        private int every = 1000;
        private Duration interval = Duration.ofMillis(500);
        private int maxBatch = 4096;
        private int queueCapacity = 1 << 16;
        private long segmentBytes = 64L << 20;

        private Builder(LedgerSuite suite, String origin, CheckpointSigner signer) {
            this.suite = suite;
            this.origin = origin;
            this.signer = signer;
        }

        public Builder trust(NoteVerifier key) {
            trusted.add(key);
            return this;
        }

        public Builder checkpointEvery(int events, Duration interval) {
            this.every = events;
            this.interval = interval;
            return this;
        }

        public Builder maxBatch(int n) {
            this.maxBatch = n;
            return this;
        }

        public Builder queueCapacity(int n) {
            this.queueCapacity = n;
            return this;
        }

        public Builder segmentBytes(long n) {
            this.segmentBytes = n;
            return this;
        }

        public AuditLogConfig build() {
            return new AuditLogConfig(
                    suite, origin, signer, trusted, every, interval, maxBatch, queueCapacity, segmentBytes);
        }
    }
}
