-- A data-use rule may name a template by content: purpose/sha256:<64 hex digits>, 71 characters.
ALTER TABLE data_use_rule ALTER COLUMN template_id SET DATA TYPE VARCHAR(80);
