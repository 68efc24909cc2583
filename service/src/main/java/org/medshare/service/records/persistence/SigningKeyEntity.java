package org.medshare.service.records.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A hospital's registered upload-signing public key. */
@Entity
@Table(name = "signing_key")
public class SigningKeyEntity {

    @Id
    @Column(name = "key_id")
    private String keyId;

    @Column(name = "org_id", nullable = false)
    private String organisation;

    @Column(nullable = false)
    private String suite;

    @Column(name = "public_key", nullable = false)
    private String publicKey;

    @Column(name = "registered_by", nullable = false)
    private String registeredBy;

    @Column(name = "registered_at", nullable = false)
    private Instant registeredAt;

    @Column(name = "revoked_at")
    private Instant revokedAt;

    protected SigningKeyEntity() {}

    public SigningKeyEntity(
            String keyId,
            String organisation,
            String suite,
            String publicKey,
            String registeredBy,
            Instant registeredAt) {
        this.keyId = keyId;
        this.organisation = organisation;
        this.suite = suite;
        this.publicKey = publicKey;
        this.registeredBy = registeredBy;
        this.registeredAt = registeredAt;
    }

    public void revoke(Instant at) {
        this.revokedAt = at;
    }

    public String keyId() {
        return keyId;
    }

    public String organisation() {
        return organisation;
    }

    public String suite() {
        return suite;
    }

    /** Base64 of the X.509 SubjectPublicKeyInfo. */
    public String publicKey() {
        return publicKey;
    }

    public String registeredBy() {
        return registeredBy;
    }

    public Instant registeredAt() {
        return registeredAt;
    }

    public Instant revokedAt() {
        return revokedAt;
    }
}
