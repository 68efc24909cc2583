package org.medshare.service.queries.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** An insurer's aggregate query, its approval and its (aggregate-only) result. */
@Entity
@Table(name = "stat_query")
public class QueryEntity {

    /** SUBMITTED → APPROVED → COMPLETED, or REFUSED (by the regulator) / FAILED (refused by the enclave). */
    public enum Status {
        SUBMITTED,
        APPROVED,
        REFUSED,
        COMPLETED,
        FAILED
    }

    @Id
    private String id;

    @Column(name = "insurer_org", nullable = false)
    private String insurer;

    @Column(name = "submitted_by", nullable = false)
    private String submittedBy;

    @Column(name = "template_id", nullable = false)
    private String templateId;

    @Column(name = "template_version", nullable = false)
    private int templateVersion;

    @Column(name = "request_json", nullable = false)
    private String requestJson;

    @Column(name = "query_hash", nullable = false)
    private String queryHash;

    @Column(name = "epsilon_micros", nullable = false)
    private long epsilonMicros;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private Status status;

    @Column(name = "submitted_at", nullable = false)
    private Instant submittedAt;

    @Column(name = "decided_by")
    private String decidedBy;

    @Column(name = "decided_at")
    private Instant decidedAt;

    private String reason;

    @Column(name = "result_json")
    private String resultJson;

    @Column(name = "result_signature")
    private String resultSignature;

    @Column(name = "result_hash")
    private String resultHash;

    private String measurement;

    @Column(name = "input_records")
    private Integer inputRecords;

    @Column(name = "completed_at")
    private Instant completedAt;

    @Column(name = "attestation_evidence")
    private String attestationEvidence;

    @Column(name = "attestation_nonce")
    private String attestationNonce;

    @Column(name = "signing_key")
    private String signingKey;

    @Column(name = "compute_result")
    private String computeResult;

    @Column(name = "compute_event_index")
    private Long computeEventIndex;

    /** The regulator's signed approval, base64; null until approved. */
    @Column(name = "approval", length = 4096)
    private String approval;

    protected QueryEntity() {}

    @SuppressWarnings("java:S107")
    public QueryEntity(
            String id,
            String insurer,
            String submittedBy,
            String templateId,
            int templateVersion,
            String requestJson,
            String queryHash,
            long epsilonMicros,
            Instant submittedAt) {
        this.id = id;
        this.insurer = insurer;
        this.submittedBy = submittedBy;
        this.templateId = templateId;
        this.templateVersion = templateVersion;
        this.requestJson = requestJson;
        this.queryHash = queryHash;
        this.epsilonMicros = epsilonMicros;
        this.status = Status.SUBMITTED;
        this.submittedAt = submittedAt;
    }

    public void decide(Status decision, String by, String reason, Instant at) {
        this.status = decision;
        this.decidedBy = by;
        this.reason = reason;
        this.decidedAt = at;
    }

    /** Approves the query on the regulator's signed {@code approval} (base64). */
    public void approve(String by, String approval, Instant at) {
        decide(Status.APPROVED, by, null, at);
        this.approval = approval;
    }

    public String approval() {
        return approval;
    }

    public void complete(
            String resultJson, String signature, String resultHash, String measurement, int inputRecords, Instant at) {
        this.status = Status.COMPLETED;
        this.resultJson = resultJson;
        this.resultSignature = signature;
        this.resultHash = resultHash;
        this.measurement = measurement;
        this.inputRecords = inputRecords;
        this.completedAt = at;
    }

    /**
     * Keeps what lets a reader verify the result later (base64 values, see {@code StatisticsRunner.Attestation}) and
     * the ledger index of the query's COMPUTE event.
     */
    public void attest(String evidence, String nonce, String signingKey, String computeResult, long computeEventIndex) {
        this.attestationEvidence = evidence;
        this.attestationNonce = nonce;
        this.signingKey = signingKey;
        this.computeResult = computeResult;
        this.computeEventIndex = computeEventIndex;
    }

    public String attestationEvidence() {
        return attestationEvidence;
    }

    public String attestationNonce() {
        return attestationNonce;
    }

    public String signingKey() {
        return signingKey;
    }

    public String computeResult() {
        return computeResult;
    }

    public Long computeEventIndex() {
        return computeEventIndex;
    }

    public void fail(String reason, Instant at) {
        this.status = Status.FAILED;
        this.reason = reason;
        this.completedAt = at;
    }

    public String id() {
        return id;
    }

    public String insurer() {
        return insurer;
    }

    public String submittedBy() {
        return submittedBy;
    }

    public String templateId() {
        return templateId;
    }

    public int templateVersion() {
        return templateVersion;
    }

    public String requestJson() {
        return requestJson;
    }

    public String queryHash() {
        return queryHash;
    }

    public long epsilonMicros() {
        return epsilonMicros;
    }

    public Status status() {
        return status;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public String decidedBy() {
        return decidedBy;
    }

    public Instant decidedAt() {
        return decidedAt;
    }

    public String reason() {
        return reason;
    }

    public String resultJson() {
        return resultJson;
    }

    public String resultSignature() {
        return resultSignature;
    }

    public String resultHash() {
        return resultHash;
    }

    public String measurement() {
        return measurement;
    }

    public Integer inputRecords() {
        return inputRecords;
    }

    public Instant completedAt() {
        return completedAt;
    }
}
