package org.medshare.service.queries.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A query template as submitted, with the regulator's decision. */
@Entity
@Table(name = "query_template")
@IdClass(TemplateEntity.Key.class)
public class TemplateEntity {

    /** Composite key (template id, version). */
    public record Key(String templateId, int version) implements Serializable {
        public Key() {
            this(null, 0);
        }
    }

    /** PENDING until a regulator decides; only APPROVED templates run. */
    public enum State {
        PENDING,
        APPROVED,
        REJECTED
    }

    @Id
    @Column(name = "template_id")
    private String templateId;

    @Id
    private int version;

    @Column(nullable = false)
    private String purpose;

    @Column(nullable = false)
    private String json;

    @Column(nullable = false)
    private String hash;

    @Column(nullable = false)
    @Enumerated(EnumType.STRING)
    private State state;

    @Column(name = "submitted_by", nullable = false)
    private String submittedBy;

    @Column(name = "submitted_at", nullable = false)
    private Instant submittedAt;

    @Column(name = "decided_by")
    private String decidedBy;

    @Column(name = "decided_at")
    private Instant decidedAt;

    protected TemplateEntity() {}

    public TemplateEntity(
            String templateId,
            int version,
            String purpose,
            String json,
            String hash,
            String submittedBy,
            Instant submittedAt) {
        this.templateId = templateId;
        this.version = version;
        this.purpose = purpose;
        this.json = json;
        this.hash = hash;
        this.state = State.PENDING;
        this.submittedBy = submittedBy;
        this.submittedAt = submittedAt;
    }

    public void decide(State decision, String regulator, Instant at) {
        this.state = decision;
        this.decidedBy = regulator;
        this.decidedAt = at;
    }

    public String templateId() {
        return templateId;
    }

    public int version() {
        return version;
    }

    public String purpose() {
        return purpose;
    }

    public String json() {
        return json;
    }

    public String hash() {
        return hash;
    }

    public State state() {
        return state;
    }

    public String submittedBy() {
        return submittedBy;
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
}
