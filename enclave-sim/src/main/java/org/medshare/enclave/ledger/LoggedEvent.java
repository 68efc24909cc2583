package org.medshare.enclave.ledger;

/**
 * A ledger entry a key authority acts on, as {@link LedgerTrust#verifiedEvent} proved and decoded it: the two that
 * authorise a key release, and the raise of the attribute epoch that bounds which clinician keys it issues.
 */
public sealed interface LoggedEvent {
    /** Event type code of QUERY_APPROVED. */
    int QUERY_APPROVED = 4;
    /** Event type code of KEY_ISSUED. */
    int KEY_ISSUED = 8;
    /** Event type code of EPOCH_RAISED. */
    int EPOCH_RAISED = 20;

    /** The regulator approved query {@code queryId} (QUERY_APPROVED: actor, query id, query hash). */
    record QueryApproved(long timestampMillis, String actor, String queryId, byte[] queryHash) implements LoggedEvent {}

    /**
     * A key issue was logged (KEY_ISSUED: actor, key id, recipient, salted attributes hash). For a clinician's key the
     * key id is the hex SHA-256 of the hospital's grant and the recipient its {@code organisation:subject}.
     */
    record KeyIssued(long timestampMillis, String actor, String keyId, String recipient, byte[] attributesHash)
            implements LoggedEvent {}

    /**
     * The regulator raised the consortium's attribute epoch (EPOCH_RAISED: actor, previous epoch, epoch), both
     * {@code YYYYQn}.
     */
    record EpochRaised(long timestampMillis, String actor, String previousEpoch, String epoch) implements LoggedEvent {}
}
