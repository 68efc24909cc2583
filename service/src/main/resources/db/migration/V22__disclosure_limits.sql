-- A hospital's own disclosure limits, which the enclave applies on top of a template's to every query over its
-- records. One row per organisation; an organisation without a row has no limits of its own. The lists hold the
-- allowed aggregate kinds and fields, ascending and comma-separated; empty for any.
CREATE TABLE disclosure_limits (
    org_id                VARCHAR(128) NOT NULL PRIMARY KEY,
    min_group_size        INTEGER      NOT NULL,
    max_epsilon_micros    BIGINT,
    max_rows_per_patient  INTEGER      NOT NULL,
    noise_required        BOOLEAN      NOT NULL,
    allowed_aggregates    VARCHAR(256) NOT NULL,
    allowed_fields        VARCHAR(256) NOT NULL,
    CONSTRAINT ck_disclosure_limits CHECK (
        min_group_size BETWEEN 2 AND 1000000
        AND (max_epsilon_micros IS NULL OR max_epsilon_micros >= 0)
        AND max_rows_per_patient BETWEEN 1 AND 1000)
);
