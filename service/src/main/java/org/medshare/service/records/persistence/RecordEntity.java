package org.medshare.service.records.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An uploaded record's metadata: ids, content ids, policy and disclosed tags, never content. */
@Entity
@Table(name = "record")
public class RecordEntity {

    @Id
    private String id;

    @Column(name = "org_id", nullable = false)
    private String organisation;

    @Column(name = "idempotency_key", nullable = false)
    private String idempotencyKey;

    @Column(nullable = false)
    private String policy;

    @Column(nullable = false)
    private String suite;

    @Column(name = "envelope_cid", nullable = false)
    private String envelopeCid;

    @Column(name = "envelope_bytes", nullable = false)
    private long envelopeBytes;

    @Column(name = "rows_cid", nullable = false)
    private String rowsCid;

    @Column(name = "rows_bytes", nullable = false)
    private long rowsBytes;

    /** Disclosed tags as {@code name=value} lines, sorted by name. */
    @Column(nullable = false)
    private String tags;

    @Column(name = "signing_key_id", nullable = false)
    private String signingKeyId;

    @Column(nullable = false)
    private String signature;

    @Column(name = "statement_sha256", nullable = false)
    private String statementSha256;

    @Column(name = "uploaded_by", nullable = false)
    private String uploadedBy;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "ledger_index")
    private Long ledgerIndex;

    /** Rows its rows container states; null for records uploaded before the count was kept (all had rows). */
    @Column(name = "analytics_rows")
    private Long analyticsRows;

    /** The keyed hash of the document identifier the hospital disclosed (tag {@code document}), if any. */
    @Column(name = "document_ref")
    private String documentRef;

    @Column(nullable = false)
    private int version = 1;

    /** The first version's id; null when this is the first version. */
    @Column(name = "record_of")
    private String recordOf;

    @Column(name = "previous_id")
    private String previousId;

    @Column(name = "superseded_by")
    private String supersededBy;

    protected RecordEntity() {}

    @SuppressWarnings("java:S107")
    public RecordEntity(
            String id,
            String organisation,
            String idempotencyKey,
            String policy,
            String suite,
            String envelopeCid,
            long envelopeBytes,
            String rowsCid,
            long rowsBytes,
            String tags,
            String signingKeyId,
            String signature,
            String statementSha256,
            String uploadedBy,
            Instant createdAt) {
        this.id = id;
        this.organisation = organisation;
        this.idempotencyKey = idempotencyKey;
        this.policy = policy;
        this.suite = suite;
        this.envelopeCid = envelopeCid;
        this.envelopeBytes = envelopeBytes;
        this.rowsCid = rowsCid;
        this.rowsBytes = rowsBytes;
        this.tags = tags;
        this.signingKeyId = signingKeyId;
        this.signature = signature;
        this.statementSha256 = statementSha256;
        this.uploadedBy = uploadedBy;
        this.createdAt = createdAt;
    }

    public void anchoredAt(long index) {
        this.ledgerIndex = index;
    }

    /**
     * Sets what the service read from the upload besides its bytes.
     *
     * @param analyticsRows the rows its container states (0: stored and shared, never used in statistics)
     * @param documentRef   the disclosed document reference, or null
     */
    public RecordEntity withContent(long analyticsRows, String documentRef) {
        this.analyticsRows = analyticsRows;
        this.documentRef = documentRef;
        return this;
    }

    /** Makes this upload the version after {@code previous} of the same document. */
    public RecordEntity versionAfter(RecordEntity previous) {
        this.version = previous.version + 1;
        this.recordOf = previous.recordOf();
        this.previousId = previous.id;
        return this;
    }

    /** Marks this version as replaced by {@code next}. */
    public void supersededBy(String next) {
        this.supersededBy = next;
    }

    public Long analyticsRows() {
        return analyticsRows;
    }
    /** Whether statistics may use this record: it has rows (or predates the count) and is the current version. */
    public boolean usedInStatistics() {
        return (analyticsRows == null || analyticsRows > 0) && supersededBy == null;
    }

    public String documentRef() {
        return documentRef;
    }

    public int version() {
        return version;
    }
    /** The record this is a version of: the first version's id (its own id for a first version). */
    public String recordOf() {
        return recordOf == null ? id : recordOf;
    }

    public String previousId() {
        return previousId;
    }

    public String supersededBy() {
        return supersededBy;
    }

    public String id() {
        return id;
    }

    public String organisation() {
        return organisation;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public String policy() {
        return policy;
    }

    public String suite() {
        return suite;
    }

    public String envelopeCid() {
        return envelopeCid;
    }

    public long envelopeBytes() {
        return envelopeBytes;
    }

    public String rowsCid() {
        return rowsCid;
    }

    public long rowsBytes() {
        return rowsBytes;
    }

    public String tags() {
        return tags;
    }

    public String signingKeyId() {
        return signingKeyId;
    }

    public String signature() {
        return signature;
    }

    public String statementSha256() {
        return statementSha256;
    }

    public String uploadedBy() {
        return uploadedBy;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Long ledgerIndex() {
        return ledgerIndex;
    }
}
