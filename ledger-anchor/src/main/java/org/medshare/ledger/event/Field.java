package org.medshare.ledger.event;

/** Every field an event type may carry; the set per type is fixed by {@link EventType}. */
public enum Field {
    ACTOR(FieldKind.ID),
    RECORD_ID(FieldKind.ID),
    HOSPITAL_ID(FieldKind.ID),
    QUERY_ID(FieldKind.ID),
    PURPOSE(FieldKind.ID),
    MEMBER_ID(FieldKind.ID),
    KEY_ID(FieldKind.ID),
    RECIPIENT(FieldKind.ID),
    PAYER(FieldKind.ID),
    PAYEE(FieldKind.ID),
    REASON(FieldKind.ID),
    CONTRACT(FieldKind.ID),
    CONTENT_HASH(FieldKind.HASH),
    POLICY_HASH(FieldKind.HASH),
    QUERY_HASH(FieldKind.HASH),
    INPUT_ROOT(FieldKind.HASH),
    RESULT_HASH(FieldKind.HASH),
    MEASUREMENT(FieldKind.HASH),
    SUBJECT_HASH(FieldKind.HASH),
    ATTRIBUTES_HASH(FieldKind.HASH),
    CERT_FINGERPRINT(FieldKind.HASH),
    TX_HASH(FieldKind.HASH),
    STATE_ROOT(FieldKind.HASH),
    TREE_ROOT(FieldKind.HASH),
    AMOUNT(FieldKind.AMOUNT),
    RECORD_COUNT(FieldKind.AMOUNT),
    CHAIN_ID(FieldKind.AMOUNT),
    BLOCK_NUMBER(FieldKind.AMOUNT),
    TREE_SIZE(FieldKind.AMOUNT),
    CALL_DATA(FieldKind.DATA),
    PREVIOUS_RECORD_ID(FieldKind.ID),
    RULES(FieldKind.DATA),
    ORGANISATION(FieldKind.ID),
    REASON_HASH(FieldKind.HASH),
    CONSENT_VERSION(FieldKind.AMOUNT),
    PROVISIONS_HASH(FieldKind.HASH),
    PREVIOUS_EPOCH(FieldKind.ID),
    EPOCH(FieldKind.ID),
    ROLE(FieldKind.ID),
    /** ε in micro-ε ({@code ε × 10^6}, rounded to nearest). */
    EPSILON(FieldKind.AMOUNT),
    /** δ in units of 10^-18 ({@code δ × 10^18}, rounded to nearest); 0 for pure ε-DP. */
    DELTA(FieldKind.AMOUNT),
    /** A budget period's name: {@code YYYY} (calendar year), {@code YYYY-MM} (month) or {@code YYYY-MM-DD} (day), UTC. */
    PERIOD(FieldKind.ID),
    /** A privacy budget's limit for its period, in micro-ε. */
    BUDGET_LIMIT(FieldKind.AMOUNT),
    /** A hospital's disclosure limits in the canonical form of {@link HospitalDisclosureLimits}. */
    LIMITS(FieldKind.DATA);

    private final FieldKind kind;

    Field(FieldKind kind) {
        this.kind = kind;
    }

    public FieldKind kind() {
        return kind;
    }
}
