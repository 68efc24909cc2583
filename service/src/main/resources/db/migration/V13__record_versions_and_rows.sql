-- A record stored without analytics rows is shared but not used in statistics: analytics_rows is the row count its
-- rows container states (NULL for records uploaded before it was kept; rows were required then).
ALTER TABLE record ADD COLUMN analytics_rows BIGINT;

-- One document, one record: an upload carrying the 'document' tag (a keyed hash of Bundle.identifier) of an earlier
-- upload of the same hospital is the next version of that record. record_of is the first version's id, previous_id
-- the version it replaces, superseded_by the version that replaced it (NULL while current). Every version keeps its
-- own ciphertext, UPLOAD event and RECORD_VERSIONED event; lists, statistics and payouts see current versions only.
ALTER TABLE record ADD COLUMN document_ref VARCHAR(64);
ALTER TABLE record ADD COLUMN version INTEGER DEFAULT 1 NOT NULL;
ALTER TABLE record ADD COLUMN record_of VARCHAR(36);
ALTER TABLE record ADD COLUMN previous_id VARCHAR(36);
ALTER TABLE record ADD COLUMN superseded_by VARCHAR(36);
CREATE UNIQUE INDEX uq_record_document_version ON record (org_id, document_ref, version);
