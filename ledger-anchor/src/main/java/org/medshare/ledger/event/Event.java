package org.medshare.ledger.event;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One ledger event: a type, a timestamp, and exactly the fields its {@link EventType} declares.
 * Immutable; values are ids, hashes, amounts and structured call data only (never record content or
 * patient identifiers — the id alphabet admits no spaces or free text, sensitive values go in as
 * {@link SaltedHash}es, and DATA holds only the encoding its event type documents).
 * Two events are equal iff their canonical encodings ({@link EventCodec}) are equal.
 */
public final class Event {
    /** Length of every HASH field. */
    public static final int HASH_LENGTH = 32;
    /** Maximum length of an ID field. */
    public static final int MAX_ID_LENGTH = 128;
    /** Maximum length of a DATA field (a settlement over ~16,000 hospitals). */
    public static final int MAX_DATA_LENGTH = 1 << 20;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:@-]{1," + MAX_ID_LENGTH + "}");

    private final EventType type;
    private final long timestampMillis;
    private final EnumMap<Field, Object> values;

    private Event(EventType type, long timestampMillis, EnumMap<Field, Object> values) {
        this.type = type;
        this.timestampMillis = timestampMillis;
        this.values = values;
    }

    public EventType type() {
        return type;
    }

    /** Milliseconds since the Unix epoch, as stated by the appender. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** The value of an ID field; throws if the type has no such field. */
    public String id(Field f) {
        return (String) get(f, FieldKind.ID);
    }

    /** The value of a HASH field (a copy). */
    public byte[] hash(Field f) {
        return ((byte[]) get(f, FieldKind.HASH)).clone();
    }

    /** The value of a DATA field (a copy). */
    public byte[] data(Field f) {
        return ((byte[]) get(f, FieldKind.DATA)).clone();
    }

    /** The value of an AMOUNT field. */
    public long amount(Field f) {
        return (Long) get(f, FieldKind.AMOUNT);
    }

    Object raw(Field f) {
        return values.get(f);
    }

    private Object get(Field f, FieldKind kind) {
        if (f.kind() != kind || !values.containsKey(f)) {
            throw new IllegalArgumentException(type + " has no " + kind + " field " + f);
        }
        return values.get(f);
    }

    public static Builder builder(EventType type) {
        return new Builder(type);
    }

    /** UPLOAD: {@code hospital} uploaded {@code recordId}; content hash of the ciphertext, hash of the policy. */
    public static Event upload(long ts, String hospital, String recordId, byte[] contentHash, byte[] policyHash) {
        return builder(EventType.UPLOAD)
                .timestamp(ts)
                .id(Field.ACTOR, hospital)
                .id(Field.RECORD_ID, recordId)
                .hash(Field.CONTENT_HASH, contentHash)
                .hash(Field.POLICY_HASH, policyHash)
                .build();
    }

    /** ERASED: {@code hospital} erased its record {@code recordId}. */
    public static Event erased(long ts, String hospital, String recordId) {
        return builder(EventType.ERASED)
                .timestamp(ts)
                .id(Field.ACTOR, hospital)
                .id(Field.RECORD_ID, recordId)
                .build();
    }

    /** RECORD_VERSIONED: {@code hospital}'s upload {@code recordId} is the version after {@code previousId}. */
    public static Event recordVersioned(long ts, String hospital, String recordId, String previousId) {
        return builder(EventType.RECORD_VERSIONED)
                .timestamp(ts)
                .id(Field.ACTOR, hospital)
                .id(Field.RECORD_ID, recordId)
                .id(Field.PREVIOUS_RECORD_ID, previousId)
                .build();
    }

    /** MEMBER_ADMITTED: {@code admin} admitted {@code memberId} whose certificate has this SHA-256 fingerprint. */
    public static Event memberAdmitted(long ts, String admin, String memberId, byte[] certFingerprint) {
        return builder(EventType.MEMBER_ADMITTED)
                .timestamp(ts)
                .id(Field.ACTOR, admin)
                .id(Field.MEMBER_ID, memberId)
                .hash(Field.CERT_FINGERPRINT, certFingerprint)
                .build();
    }

    /** MEMBER_REMOVED: {@code admin} removed {@code memberId} for a reason code. */
    public static Event memberRemoved(long ts, String admin, String memberId, String reasonCode) {
        return builder(EventType.MEMBER_REMOVED)
                .timestamp(ts)
                .id(Field.ACTOR, admin)
                .id(Field.MEMBER_ID, memberId)
                .id(Field.REASON, reasonCode)
                .build();
    }

    /** ORGANISATION_SUSPENDED: {@code regulator} suspended {@code organisation} for a reason code. */
    public static Event organisationSuspended(long ts, String regulator, String organisation, String reasonCode) {
        return builder(EventType.ORGANISATION_SUSPENDED)
                .timestamp(ts)
                .id(Field.ACTOR, regulator)
                .id(Field.ORGANISATION, organisation)
                .id(Field.REASON, reasonCode)
                .build();
    }

    /** ORGANISATION_REINSTATED: {@code regulator} lifted the suspension of {@code organisation}. */
    public static Event organisationReinstated(long ts, String regulator, String organisation) {
        return builder(EventType.ORGANISATION_REINSTATED)
                .timestamp(ts)
                .id(Field.ACTOR, regulator)
                .id(Field.ORGANISATION, organisation)
                .build();
    }

    /** DISCLOSURE_LIMITS_CHANGED: the hospital {@code hospital} set {@code limits}, which are in force from now on. */
    public static Event disclosureLimitsChanged(long ts, String hospital, HospitalDisclosureLimits limits) {
        return builder(EventType.DISCLOSURE_LIMITS_CHANGED)
                .timestamp(ts)
                .id(Field.ACTOR, hospital)
                .data(Field.LIMITS, limits.encode())
                .build();
    }

    /** EPOCH_RAISED: {@code regulator} raised the attribute epoch from {@code from} to {@code to}. */
    public static Event epochRaised(long ts, String regulator, AttributeEpoch from, AttributeEpoch to) {
        return builder(EventType.EPOCH_RAISED)
                .timestamp(ts)
                .id(Field.ACTOR, regulator)
                .id(Field.PREVIOUS_EPOCH, from.toString())
                .id(Field.EPOCH, to.toString())
                .build();
    }

    /** QUERY_APPROVED: the regulator {@code regulator} (its organisation) approved query {@code queryId}. */
    public static Event queryApproved(long ts, String regulator, String queryId, byte[] queryHash) {
        return builder(EventType.QUERY_APPROVED)
                .timestamp(ts)
                .id(Field.ACTOR, regulator)
                .id(Field.QUERY_ID, queryId)
                .hash(Field.QUERY_HASH, queryHash)
                .build();
    }

    /**
     * BUDGET_CHARGED: query {@code queryId} spent {@code epsilonMicros} micro-ε and {@code delta} (10^-18 units) of
     * {@code hospital}'s budget for {@code period}, whose limit is {@code limitMicros}.
     */
    public static Event budgetCharged(
            long ts,
            String queryId,
            byte[] queryHash,
            String hospital,
            long epsilonMicros,
            long delta,
            String period,
            long limitMicros) {
        return budget(
                EventType.BUDGET_CHARGED, ts, queryId, queryHash, hospital, epsilonMicros, delta, period, limitMicros);
    }

    /** BUDGET_REFUNDED: the charge of {@link #budgetCharged} with the same values was given back. */
    public static Event budgetRefunded(
            long ts,
            String queryId,
            byte[] queryHash,
            String hospital,
            long epsilonMicros,
            long delta,
            String period,
            long limitMicros) {
        return budget(
                EventType.BUDGET_REFUNDED, ts, queryId, queryHash, hospital, epsilonMicros, delta, period, limitMicros);
    }

    private static Event budget(
            EventType type,
            long ts,
            String queryId,
            byte[] queryHash,
            String hospital,
            long epsilonMicros,
            long delta,
            String period,
            long limitMicros) {
        return builder(type)
                .timestamp(ts)
                .id(Field.QUERY_ID, queryId)
                .hash(Field.QUERY_HASH, queryHash)
                .id(Field.ORGANISATION, hospital)
                .amount(Field.EPSILON, epsilonMicros)
                .amount(Field.DELTA, delta)
                .id(Field.PERIOD, period)
                .amount(Field.BUDGET_LIMIT, limitMicros)
                .build();
    }

    /** PAYMENT mirrored from the incentive contract. */
    public static Event payment(
            long ts, String payer, String payee, String queryId, long amount, long recordCount, byte[] txHash) {
        return builder(EventType.PAYMENT)
                .timestamp(ts)
                .id(Field.PAYER, payer)
                .id(Field.PAYEE, payee)
                .id(Field.QUERY_ID, queryId)
                .amount(Field.AMOUNT, amount)
                .amount(Field.RECORD_COUNT, recordCount)
                .hash(Field.TX_HASH, txHash)
                .build();
    }

    /**
     * CONTRACT_CALL: the incentive contract applied {@code callData} (a canonical contract call) on behalf
     * of {@code actor}; {@code stateRoot} is the EVM state root after it.
     */
    public static Event contractCall(long ts, String actor, byte[] callData, byte[] stateRoot) {
        return builder(EventType.CONTRACT_CALL)
                .timestamp(ts)
                .id(Field.ACTOR, actor)
                .data(Field.CALL_DATA, callData)
                .hash(Field.STATE_ROOT, stateRoot)
                .build();
    }

    /**
     * ANCHORED: the checkpoint of {@code treeSize} entries with root {@code treeRoot} was anchored by
     * transaction {@code txHash} in block {@code blockNumber} of chain {@code chainId}, contract
     * {@code contract} ({@code 0x} + 40 lower-case hex digits).
     */
    public static Event anchored(
            long ts, long chainId, String contract, byte[] txHash, long blockNumber, long treeSize, byte[] treeRoot) {
        return builder(EventType.ANCHORED)
                .timestamp(ts)
                .amount(Field.CHAIN_ID, chainId)
                .id(Field.CONTRACT, contract)
                .hash(Field.TX_HASH, txHash)
                .amount(Field.BLOCK_NUMBER, blockNumber)
                .amount(Field.TREE_SIZE, treeSize)
                .hash(Field.TREE_ROOT, treeRoot)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Event e) || e.type != type || e.timestampMillis != timestampMillis) {
            return false;
        }
        for (Field f : type.fields()) {
            Object a = values.get(f);
            Object b = e.values.get(f);
            if (a instanceof byte[] x ? !Arrays.equals(x, (byte[]) b) : !a.equals(b)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(type, timestampMillis);
        for (Field f : type.fields()) {
            Object v = values.get(f);
            h = 31 * h + (v instanceof byte[] b ? Arrays.hashCode(b) : v.hashCode());
        }
        return h;
    }

    /** Lists ids, amounts and hex hashes; events hold nothing secret. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type.name()).append("{ts=").append(timestampMillis);
        for (Field f : type.fields()) {
            Object v = values.get(f);
            sb.append(", ")
                    .append(f.name().toLowerCase())
                    .append('=')
                    .append(v instanceof byte[] b ? HexFormat.of().formatHex(b) : v);
        }
        return sb.append('}').toString();
    }

    /** Validating builder: every field of the type must be set exactly once, with a valid value. */
    public static final class Builder {
        private final EventType type;
        private final EnumMap<Field, Object> values = new EnumMap<>(Field.class);
        private long ts = -1;

        private Builder(EventType type) {
            this.type = Objects.requireNonNull(type);
        }

        public Builder timestamp(long millis) {
            if (millis < 0) {
                throw new IllegalArgumentException("timestamp must be >= 0");
            }
            this.ts = millis;
            return this;
        }

        public Builder id(Field f, String value) {
            check(f, FieldKind.ID);
            if (value == null || !ID.matcher(value).matches()) {
                throw new IllegalArgumentException(
                        f + " must be 1.." + MAX_ID_LENGTH + " characters of [A-Za-z0-9_.:@-]");
            }
            values.put(f, value);
            return this;
        }

        public Builder hash(Field f, byte[] value) {
            check(f, FieldKind.HASH);
            if (value == null || value.length != HASH_LENGTH) {
                throw new IllegalArgumentException(f + " must be a " + HASH_LENGTH + "-byte hash");
            }
            values.put(f, value.clone());
            return this;
        }

        public Builder data(Field f, byte[] value) {
            check(f, FieldKind.DATA);
            if (value == null || value.length == 0 || value.length > MAX_DATA_LENGTH) {
                throw new IllegalArgumentException(f + " must be 1.." + MAX_DATA_LENGTH + " bytes");
            }
            values.put(f, value.clone());
            return this;
        }

        public Builder amount(Field f, long value) {
            check(f, FieldKind.AMOUNT);
            if (value < 0) {
                throw new IllegalArgumentException(f + " must be >= 0");
            }
            values.put(f, value);
            return this;
        }

        private void check(Field f, FieldKind kind) {
            if (f.kind() != kind) {
                throw new IllegalArgumentException(f + " is a " + f.kind() + " field, not " + kind);
            }
            if (!type.fields().contains(f)) {
                throw new IllegalArgumentException(type + " has no field " + f + "; its fields are " + type.fields());
            }
            if (values.containsKey(f)) {
                throw new IllegalArgumentException(f + " set twice");
            }
        }

        public Event build() {
            if (ts < 0) {
                throw new IllegalStateException(type + " needs a timestamp");
            }
            for (Field f : type.fields()) {
                if (!values.containsKey(f)) {
                    throw new IllegalStateException(type + " is missing field " + f);
                }
            }
            return new Event(type, ts, new EnumMap<>(values));
        }
    }
}
