-- The ε budget of each hospital's dataset per period, shared by every insurer's queries: spent and limit in micro-ε.
-- A period's limit is fixed when its row is created (its first charge).
CREATE TABLE hospital_budget (
    org_id        VARCHAR(128) NOT NULL,
    period        VARCHAR(16)  NOT NULL,
    limit_micros  BIGINT       NOT NULL,
    spent_micros  BIGINT       NOT NULL,
    CONSTRAINT pk_hospital_budget PRIMARY KEY (org_id, period),
    CONSTRAINT ck_hospital_budget CHECK (spent_micros >= 0 AND spent_micros <= limit_micros)
);

-- A hospital's own limit per period, in force for periods whose first charge comes after it was set.
CREATE TABLE hospital_budget_limit (
    org_id        VARCHAR(128) NOT NULL PRIMARY KEY,
    limit_micros  BIGINT       NOT NULL,
    CONSTRAINT ck_hospital_budget_limit CHECK (limit_micros > 0)
);

-- Every charge of a query to a budget: an insurer's (period 'total') or a hospital's, with the ledger entries that
-- record it (the query's QUERY_APPROVED for an insurer, its BUDGET_CHARGED and BUDGET_REFUNDED for a hospital).
CREATE TABLE budget_charge (
    query_id        VARCHAR(64)  NOT NULL,
    org_id          VARCHAR(128) NOT NULL,
    period          VARCHAR(16)  NOT NULL,
    epsilon_micros  BIGINT       NOT NULL,
    delta_e18       BIGINT       NOT NULL,
    limit_micros    BIGINT       NOT NULL,
    charged_entry   BIGINT,
    refunded_entry  BIGINT,
    refunded        BOOLEAN      NOT NULL,
    CONSTRAINT pk_budget_charge PRIMARY KEY (query_id, org_id)
);
CREATE INDEX ix_budget_charge_org ON budget_charge (org_id, period);
