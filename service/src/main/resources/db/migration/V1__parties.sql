-- Parties known to the service: one row per (subject, organisation), created
-- on first authenticated contact. Holds identifiers only, never record content.
CREATE TABLE party (
    id           BIGINT       NOT NULL PRIMARY KEY,
    subject      VARCHAR(255) NOT NULL,
    org_id       VARCHAR(128) NOT NULL,
    roles        VARCHAR(255) NOT NULL,
    first_seen   TIMESTAMP    NOT NULL,
    last_seen    TIMESTAMP    NOT NULL,
    CONSTRAINT uq_party_subject_org UNIQUE (subject, org_id)
);
CREATE SEQUENCE party_seq START WITH 1 INCREMENT BY 50;
