-- The regulator's signed approval of a query (base64 QueryApproval), kept so that a reader of the result can check
-- who approved it: the enclave's signed result names the approval's hash. NULL for queries approved before
-- approvals were signed by the regulator.
ALTER TABLE stat_query ADD COLUMN approval VARCHAR(4096);
