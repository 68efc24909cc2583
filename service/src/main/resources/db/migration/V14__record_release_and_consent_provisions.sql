-- Every release of a record's ciphertext, one row per ACCESS event (ledger_index), so that a hospital can list who
-- opened its records. actor is organisation:subject; org_id the recipient's organisation; purpose the HL7 v3
-- PurposeOfUse code the request named (NULL for the owner's download without one); consent_versions the versions of
-- the consents that decided the release ('v2.1', 'none'), NULL when no consent was consulted (the owner).
CREATE TABLE record_access (
    ledger_index      BIGINT       NOT NULL PRIMARY KEY,
    record_id         VARCHAR(36)  NOT NULL,
    owner_org         VARCHAR(128) NOT NULL,
    actor             VARCHAR(255) NOT NULL,
    org_id            VARCHAR(128) NOT NULL,
    purpose           VARCHAR(16),
    consent_versions  VARCHAR(128),
    break_glass       BOOLEAN      NOT NULL,
    accessed_at       TIMESTAMP    NOT NULL
);
CREATE INDEX ix_record_access_owner ON record_access (owner_org, ledger_index);

-- Emergency (break-glass) releases awaiting or after the regulator's review, keyed by the BREAK_GLASS event's index.
-- reason is the clinician's written reason; reason_salt salts the event's REASON_HASH (deleting it makes the
-- ledger entry unlinkable to the text).
CREATE TABLE break_glass (
    ledger_index   BIGINT        NOT NULL PRIMARY KEY,
    access_index   BIGINT        NOT NULL,
    record_id      VARCHAR(36)   NOT NULL,
    owner_org      VARCHAR(128)  NOT NULL,
    actor          VARCHAR(255)  NOT NULL,
    org_id         VARCHAR(128)  NOT NULL,
    reason         VARCHAR(1000) NOT NULL,
    reason_salt    VARCHAR(64)   NOT NULL,
    accessed_at    TIMESTAMP     NOT NULL,
    reviewed_by    VARCHAR(255),
    reviewed_at    TIMESTAMP,
    review_note    VARCHAR(1000)
);
CREATE INDEX ix_break_glass_review ON break_glass (reviewed_at, ledger_index);

-- The provisions of a patient consent (FHIR Consent.provision.provision), as canonical JSON, and the consent's
-- version: 1 for a consent without provisions (no row), raised by one at each change of its provisions.
CREATE TABLE consent_provisions (
    consent_id   VARCHAR(64)    NOT NULL PRIMARY KEY,
    org_id       VARCHAR(128)   NOT NULL,
    patient_ref  VARCHAR(64)    NOT NULL,
    version      INTEGER        NOT NULL,
    provisions   VARCHAR(16000) NOT NULL,
    updated_by   VARCHAR(255)   NOT NULL,
    updated_at   TIMESTAMP      NOT NULL
);
