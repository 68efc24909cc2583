-- Hospitals' registered upload-signing keys (public keys only).
CREATE TABLE signing_key (
    key_id         VARCHAR(64)   NOT NULL PRIMARY KEY,
    org_id         VARCHAR(128)  NOT NULL,
    suite          VARCHAR(8)    NOT NULL,
    public_key     VARCHAR(1024) NOT NULL,
    registered_by  VARCHAR(255)  NOT NULL,
    registered_at  TIMESTAMP     NOT NULL,
    revoked_at     TIMESTAMP
);
CREATE INDEX ix_signing_key_org ON signing_key (org_id);

-- Uploaded records: identifiers, content ids, the policy and disclosed tags; never content.
-- A record is visible once its UPLOAD event is on the ledger (ledger_index set).
CREATE TABLE record (
    id               VARCHAR(36)   NOT NULL PRIMARY KEY,
    org_id           VARCHAR(128)  NOT NULL,
    idempotency_key  VARCHAR(128)  NOT NULL,
    policy           VARCHAR(16384) NOT NULL,
    suite            VARCHAR(8)    NOT NULL,
    envelope_cid     VARCHAR(128)  NOT NULL,
    envelope_bytes   BIGINT        NOT NULL,
    rows_cid         VARCHAR(128)  NOT NULL,
    rows_bytes       BIGINT        NOT NULL,
    tags             VARCHAR(4096) NOT NULL,
    signing_key_id   VARCHAR(64)   NOT NULL,
    signature        VARCHAR(512)  NOT NULL,
    statement_sha256 VARCHAR(64)   NOT NULL,
    uploaded_by      VARCHAR(255)  NOT NULL,
    created_at       TIMESTAMP     NOT NULL,
    ledger_index     BIGINT,
    CONSTRAINT uq_record_idempotency UNIQUE (org_id, idempotency_key)
);
CREATE INDEX ix_record_org ON record (org_id, created_at);
