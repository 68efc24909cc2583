package org.medshare.service.identity.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A party the service has seen: identifiers and timestamps only. */
@Entity
@Table(name = "party")
public class PartyEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "party_seq")
    @SequenceGenerator(name = "party_seq", sequenceName = "party_seq", allocationSize = 50)
    private Long id;

    @Column(nullable = false)
    private String subject;

    @Column(name = "org_id", nullable = false)
    private String organisation;

    @Column(nullable = false)
    private String roles;

    @Column(name = "first_seen", nullable = false)
    private Instant firstSeen;

    @Column(name = "last_seen", nullable = false)
    private Instant lastSeen;

    protected PartyEntity() {}

    public PartyEntity(String subject, String organisation, String roles, Instant now) {
        this.subject = subject;
        this.organisation = organisation;
        this.roles = roles;
        this.firstSeen = now;
        this.lastSeen = now;
    }

    public void seenAgain(String currentRoles, Instant now) {
        this.roles = currentRoles;
        this.lastSeen = now;
    }

    public String subject() {
        return subject;
    }

    public String organisation() {
        return organisation;
    }

    public String roles() {
        return roles;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant lastSeen() {
        return lastSeen;
    }
}
