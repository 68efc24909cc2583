-- The salt of the PROVISIONS_HASH on the consent's latest CONSENT_CHANGED event (hex): the hospital may hand it to an
-- auditor, who then checks the provisions against the ledger; without it the event does not reveal them.
ALTER TABLE consent_provisions ADD COLUMN provisions_salt VARCHAR(64);
