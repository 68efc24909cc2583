-- The share of a hospital's budget per period, in percent, at which its budget is shown as nearly exhausted.
CREATE TABLE budget_warning (
    org_id           VARCHAR(128) NOT NULL PRIMARY KEY,
    warn_at_percent  INT          NOT NULL,
    CONSTRAINT ck_budget_warning CHECK (warn_at_percent BETWEEN 1 AND 100)
);
