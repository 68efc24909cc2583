-- The incentive contract's calls now live on the audit ledger only (CONTRACT_CALL events with the
-- EVM state root after each), where the service replays them at start and the offline verifier
-- re-executes them; the database copy would be a second, unverifiable history.
DROP TABLE contract_call;
