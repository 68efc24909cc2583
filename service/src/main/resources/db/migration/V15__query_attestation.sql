-- What lets a reader check a query's result without the service: the worker's recorded attestation evidence
-- (quote and the public keys it binds), the nonce it answered, the result-signing key, the enclave's signed compute
-- result (all base64), and the ledger index of the query's COMPUTE event. NULL for results stored before they were
-- kept; such results cannot be verified.
ALTER TABLE stat_query ADD COLUMN attestation_evidence VARCHAR(65536);
ALTER TABLE stat_query ADD COLUMN attestation_nonce VARCHAR(64);
ALTER TABLE stat_query ADD COLUMN signing_key VARCHAR(256);
ALTER TABLE stat_query ADD COLUMN compute_result VARCHAR(1500000);
ALTER TABLE stat_query ADD COLUMN compute_event_index BIGINT;
