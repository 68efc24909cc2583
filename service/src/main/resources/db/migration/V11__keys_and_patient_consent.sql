-- ABE user keys issued to clinicians (the key itself is never stored: it went to the clinician wrapped to
-- their own key). attributes_salt salts the ATTRIBUTES_HASH of the KEY_ISSUED event; deleting it makes the
-- ledger entry unlinkable to the attribute set.
CREATE TABLE key_issue (
    key_id            VARCHAR(64)   NOT NULL PRIMARY KEY,
    org_id            VARCHAR(128)  NOT NULL,
    subject           VARCHAR(255)  NOT NULL,
    attributes        VARCHAR(4096) NOT NULL,
    attributes_salt   VARCHAR(64)   NOT NULL,
    recipient_sha256  VARCHAR(64)   NOT NULL,
    issued_at         TIMESTAMP     NOT NULL,
    ledger_index      BIGINT
);
CREATE INDEX ix_key_issue_org ON key_issue (org_id, issued_at);

-- The pseudonymous patient(s) of a record, as the hospital disclosed them in its signed 'patient' tag
-- (keyed hashes, never a name or MRN), and the id of the FHIR Consent of that (hospital, patient).
CREATE TABLE record_patient (
    record_id    VARCHAR(36)  NOT NULL,
    org_id       VARCHAR(128) NOT NULL,
    patient_ref  VARCHAR(64)  NOT NULL,
    consent_id   VARCHAR(64)  NOT NULL,
    PRIMARY KEY (record_id, patient_ref)
);
CREATE INDEX ix_record_patient_consent ON record_patient (consent_id);
CREATE INDEX ix_record_patient_org ON record_patient (org_id, patient_ref);

-- Per-patient consent (FHIR Consent) revocations: every record of the patient at that hospital, present or
-- future, is excluded from queries and ciphertext release. subject_salt salts the CONSENT_REVOKED subject hash.
CREATE TABLE patient_consent_revocation (
    consent_id    VARCHAR(64)  NOT NULL PRIMARY KEY,
    org_id        VARCHAR(128) NOT NULL,
    patient_ref   VARCHAR(64)  NOT NULL,
    subject_salt  VARCHAR(64)  NOT NULL,
    revoked_by    VARCHAR(255) NOT NULL,
    revoked_at    TIMESTAMP    NOT NULL,
    ledger_index  BIGINT,
    CONSTRAINT uq_patient_consent UNIQUE (org_id, patient_ref)
);
