-- Raises of the consortium's attribute epoch (the suffix of dept:cardiology@2026Q4), one row per raise. The current
-- epoch is the latest raise's, or medshare.records.current-epoch before the first; every earlier epoch is retired.
-- Epochs are YYYYQn, so their text order is their time order. previous_epoch is unique: of two raises from the same
-- epoch at the same moment, one is refused. ledger_index is the EPOCH_RAISED event's (NULL until it is appended).
CREATE TABLE attribute_epoch (
    epoch           VARCHAR(16)  NOT NULL PRIMARY KEY,
    previous_epoch  VARCHAR(16)  NOT NULL,
    raised_by       VARCHAR(255) NOT NULL,
    raised_at       TIMESTAMP    NOT NULL,
    ledger_index    BIGINT,
    CONSTRAINT uq_attribute_epoch_previous UNIQUE (previous_epoch)
);
