package org.medshare.ledger.event;

import static org.medshare.ledger.event.Field.*;

import java.util.List;

/**
 * The ledger's event types, each with its wire code and its fixed, ordered field list. The order is
 * part of the canonical encoding (version 1): never reorder, never reuse a code.
 */
public enum EventType {
    /** A hospital uploaded an encrypted record. */
    UPLOAD(1, ACTOR, RECORD_ID, CONTENT_HASH, POLICY_HASH),
    /**
     * A record's ciphertext was released to {@code ACTOR} ({@code organisation:subject}). {@code PURPOSE} is the
     * HL7 v3 PurposeOfUse code the request named ({@code TREAT}, {@code ETREAT}, ...), followed, when the
     * patient's consent decided the release, by {@code :consent-v<n>[.<n>...]} (the version of each consent that
     * covers the record, in consent id order) or {@code :consent-none} (the record names no patient); a release
     * to the record's own organisation without a named purpose is {@code ciphertext-download}.
     */
    ACCESS(2, ACTOR, RECORD_ID, PURPOSE),
    /** An insurer submitted an aggregate query. */
    QUERY_SUBMITTED(3, ACTOR, QUERY_ID, QUERY_HASH),
    /** A regulator or hospital approved a query. */
    QUERY_APPROVED(4, ACTOR, QUERY_ID, QUERY_HASH),
    /** The enclave computed a query: inputs as a Merkle root of record ids, result hash, enclave measurement. */
    COMPUTE(5, ACTOR, QUERY_ID, QUERY_HASH, INPUT_ROOT, RESULT_HASH, MEASUREMENT, RECORD_COUNT),
    /** The incentive contract paid a hospital (mirrors a contract event). */
    PAYMENT(6, PAYER, PAYEE, QUERY_ID, AMOUNT, RECORD_COUNT, TX_HASH),
    /** A patient's consent was revoked for a record; the subject is a salted hash, never an identifier. */
    CONSENT_REVOKED(7, ACTOR, RECORD_ID, SUBJECT_HASH),
    /** The key authority issued an ABE key (attributes as a salted hash). */
    KEY_ISSUED(8, ACTOR, KEY_ID, RECIPIENT, ATTRIBUTES_HASH),
    /** A consortium member was admitted (white list); its certificate's SHA-256 fingerprint. */
    MEMBER_ADMITTED(9, ACTOR, MEMBER_ID, CERT_FINGERPRINT),
    /** A consortium member was removed (black list). */
    MEMBER_REMOVED(10, ACTOR, MEMBER_ID, REASON),
    /**
     * A state-changing call applied to the incentive contract, in ledger order: the organisation on
     * whose behalf it was made, the canonical call ({@code org.medshare.ledger.contract.ContractCall}
     * encoding: caller address and ABI input — addresses, query ids and amounts only) and the EVM state
     * root after it. The first one deploys the contract; replaying them all from genesis reproduces
     * every balance.
     */
    CONTRACT_CALL(11, ACTOR, CALL_DATA, STATE_ROOT),
    /**
     * A final checkpoint was anchored on an external EVM chain: the chain's id (EIP-155), the
     * {@code CheckpointAnchor} contract's address ({@code 0x} + 40 lower-case hex digits), the hash and
     * block number of the transaction that holds the anchor, and the anchored tree size and root (the
     * log's RFC 9162 root at that size, which the offline verifier recomputes).
     */
    ANCHORED(12, CHAIN_ID, CONTRACT, TX_HASH, BLOCK_NUMBER, TREE_SIZE, TREE_ROOT),
    /**
     * A hospital's upload ({@code RECORD_ID}, whose own UPLOAD event precedes this one) became the next version of
     * the record of the same document ({@code PREVIOUS_RECORD_ID}, the version it replaces); statistics and payouts
     * count the record once, by its current version.
     */
    RECORD_VERSIONED(13, ACTOR, RECORD_ID, PREVIOUS_RECORD_ID),
    /**
     * A hospital revoked one of its upload signing keys ({@code KEY_ID}: the key's id, the first 16 bytes of SHA-256
     * over its SubjectPublicKeyInfo, hex); uploads signed with it are refused from this entry on.
     */
    SIGNING_KEY_REVOKED(14, ACTOR, KEY_ID),
    /**
     * A hospital replaced its data-use rules: {@code RULES} holds every rule in force after the change, in the
     * canonical form of {@link DataUseRules} (so the regulator reads the rules themselves, not a hash).
     */
    DATA_USE_RULES_CHANGED(15, ACTOR, RULES),
    /**
     * A hospital erased its record {@code RECORD_ID} (a retention or erasure request): the record left the catalog and
     * its shards were deleted from every storage node that answered. Ids only. No ACCESS of the record may follow.
     */
    ERASED(16, ACTOR, RECORD_ID),
    /**
     * A regulator ({@code ACTOR}) suspended {@code ORGANISATION} (black list) for the reason code {@code REASON}: from
     * this entry until its ORGANISATION_REINSTATED, the organisation writes nothing and no record is released to it.
     */
    ORGANISATION_SUSPENDED(17, ACTOR, ORGANISATION, REASON),
    /** A regulator ({@code ACTOR}) lifted the suspension of {@code ORGANISATION} (back on the white list). */
    ORGANISATION_REINSTATED(18, ACTOR, ORGANISATION),
    /**
     * Emergency ("break-glass") release: {@code ACTOR} ({@code organisation:subject}) had record {@code RECORD_ID}
     * released under purpose of use {@code PURPOSE} ({@code ETREAT}) without the patient's consent permitting it.
     * {@code REASON_HASH} is a salted hash of the written reason (the reason and its salt stay in the service's
     * review queue). It directly follows the ACCESS event of the same release.
     */
    BREAK_GLASS(19, ACTOR, RECORD_ID, PURPOSE, REASON_HASH),
    /**
     * The regulator {@code ACTOR} raised the consortium's attribute epoch from {@code PREVIOUS_EPOCH} to
     * {@code EPOCH} (both {@link AttributeEpoch} names): from then on the key authority issues clinician keys for
     * {@code EPOCH} only and new policies name it. Each raise moves strictly forward and starts where the previous
     * one ended.
     */
    EPOCH_RAISED(20, ACTOR, PREVIOUS_EPOCH, EPOCH),
    /**
     * The hospital {@code ACTOR} changed the provisions of a patient consent ({@code RECORD_ID} is
     * {@code consent:<consent id>}); {@code CONSENT_VERSION} is the consent's version from then on, the one ACCESS
     * events name, and {@code PROVISIONS_HASH} a salted hash (label {@code provisions}) of the provisions in their
     * canonical text (the salt stays with the consent at the hospital's service). A consent's versions rise, and a
     * revoked consent does not change again.
     */
    CONSENT_CHANGED(21, ACTOR, RECORD_ID, CONSENT_VERSION, PROVISIONS_HASH),
    /**
     * A party's public key entered the key authority's trust: {@code ORGANISATION}'s key {@code KEY_ID} (hex SHA-256
     * of its Ed25519 SubjectPublicKeyInfo) for {@code ROLE} ({@code approve-queries}: a regulator's query approvals;
     * {@code grant-keys}: a hospital's grants of its own clinicians' keys), recorded by {@code ACTOR} when the service
     * started the key authority with it. The private half stays with the party.
     */
    PARTY_KEY_REGISTERED(22, ACTOR, ORGANISATION, ROLE, KEY_ID),
    /**
     * Query {@code QUERY_ID} (its request hashing to {@code QUERY_HASH}) spent {@code EPSILON} micro-ε and
     * {@code DELTA} (10^-18 units) of the privacy budget of {@code ORGANISATION} for {@code PERIOD}, whose limit for
     * that period is {@code BUDGET_LIMIT} micro-ε: first its insurer's own budget (period {@code total}, all time),
     * then the dataset budget of each hospital whose records the query runs over (its data-use rules permit the
     * query's template; period {@code YYYY}, {@code YYYY-MM} or {@code YYYY-MM-DD}). Appended after the query's
     * QUERY_APPROVED and before its COMPUTE.
     */
    BUDGET_CHARGED(23, QUERY_ID, QUERY_HASH, ORGANISATION, EPSILON, DELTA, PERIOD, BUDGET_LIMIT),
    /**
     * The BUDGET_CHARGED of the same query and organisation was given back because the enclave refused the query; the
     * fields repeat the charge's. No COMPUTE of the query follows.
     */
    BUDGET_REFUNDED(24, QUERY_ID, QUERY_HASH, ORGANISATION, EPSILON, DELTA, PERIOD, BUDGET_LIMIT),
    /**
     * A hospital set its own disclosure limits: {@code LIMITS} holds the limits in force after the change, in the
     * canonical form of {@link HospitalDisclosureLimits} (so the regulator reads the limits themselves, not a hash).
     * Queries approved from then on carry them to the enclave.
     */
    DISCLOSURE_LIMITS_CHANGED(25, ACTOR, LIMITS);

    private final int code;
    private final List<Field> fields;

    EventType(int code, Field... fields) {
        this.code = code;
        this.fields = List.of(fields);
    }

    /** The wire code (one byte). */
    public int code() {
        return code;
    }

    /** The fields, in canonical order. */
    public List<Field> fields() {
        return fields;
    }

    /** The type with this wire code. */
    public static EventType fromCode(int code) throws MalformedEventException {
        for (EventType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        throw new MalformedEventException("unknown event type code " + code);
    }
}
