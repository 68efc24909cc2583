-- Hospitals get a small number on first registration; analytics rows carry it (0 < number < 16384).
CREATE TABLE hospital (
    org_id      VARCHAR(128) NOT NULL PRIMARY KEY,
    number      INTEGER      NOT NULL,
    created_at  TIMESTAMP    NOT NULL,
    CONSTRAINT uq_hospital_number UNIQUE (number)
);

-- Query templates (enclave-sim/QUERY.md), approved or rejected by a regulator.
CREATE TABLE query_template (
    template_id   VARCHAR(64)    NOT NULL,
    version       INTEGER        NOT NULL,
    purpose       VARCHAR(64)    NOT NULL,
    json          VARCHAR(65536) NOT NULL,
    hash          VARCHAR(64)    NOT NULL,
    state         VARCHAR(16)    NOT NULL,
    submitted_by  VARCHAR(128)   NOT NULL,
    submitted_at  TIMESTAMP      NOT NULL,
    decided_by    VARCHAR(255),
    decided_at    TIMESTAMP,
    PRIMARY KEY (template_id, version)
);

-- Each hospital's data-use rules: which (purpose, template or '*') may use its records. Default deny.
CREATE TABLE data_use_rule (
    org_id       VARCHAR(128) NOT NULL,
    purpose      VARCHAR(64)  NOT NULL,
    template_id  VARCHAR(64)  NOT NULL,
    PRIMARY KEY (org_id, purpose, template_id)
);

-- Records whose patient consent was revoked: removed from every query before any decryption.
CREATE TABLE consent_revocation (
    record_id   VARCHAR(36)  NOT NULL PRIMARY KEY,
    revoked_by  VARCHAR(255) NOT NULL,
    revoked_at  TIMESTAMP    NOT NULL
);

-- Per-insurer differential-privacy budget in micro-epsilon; spending is one conditional UPDATE.
CREATE TABLE privacy_budget (
    insurer_org   VARCHAR(128) NOT NULL PRIMARY KEY,
    limit_micros  BIGINT       NOT NULL,
    spent_micros  BIGINT       NOT NULL,
    CONSTRAINT ck_budget CHECK (spent_micros >= 0 AND spent_micros <= limit_micros)
);

-- Aggregate queries and their results (aggregates only, never rows).
CREATE TABLE stat_query (
    id                VARCHAR(36)    NOT NULL PRIMARY KEY,
    insurer_org       VARCHAR(128)   NOT NULL,
    submitted_by      VARCHAR(255)   NOT NULL,
    template_id       VARCHAR(64)    NOT NULL,
    template_version  INTEGER        NOT NULL,
    request_json      VARCHAR(16384) NOT NULL,
    query_hash        VARCHAR(64)    NOT NULL,
    epsilon_micros    BIGINT         NOT NULL,
    status            VARCHAR(16)    NOT NULL,
    submitted_at      TIMESTAMP      NOT NULL,
    decided_by        VARCHAR(255),
    decided_at        TIMESTAMP,
    reason            VARCHAR(1024),
    result_json       VARCHAR(1048576),
    result_signature  VARCHAR(512),
    result_hash       VARCHAR(64),
    measurement       VARCHAR(64),
    input_records     INTEGER,
    completed_at      TIMESTAMP
);
CREATE INDEX ix_stat_query_insurer ON stat_query (insurer_org, submitted_at);
CREATE INDEX ix_stat_query_status ON stat_query (status);

-- The incentive contract's call history, replayed on the embedded EVM at start.
CREATE TABLE contract_call (
    seq         BIGINT        NOT NULL PRIMARY KEY,
    call_bytes  VARCHAR(65536) NOT NULL,
    created_at  TIMESTAMP     NOT NULL
);
