-- A record's consent revocation salts its CONSENT_REVOKED subject hash like a patient's (patient_consent_revocation).
-- Revocations made before this column existed have none: their events carry an unsalted hash.
ALTER TABLE consent_revocation ADD COLUMN subject_salt VARCHAR(64);
