-- The snooze lookup reads a patient's overrides from feedback alone: its cost no longer grows with the number of
-- cards the patient has been shown. Feedback keeps its card's patient hash and rule; earlier rows are filled in.

ALTER TABLE feedback ADD COLUMN patient_hash TEXT;
ALTER TABLE feedback ADD COLUMN rule_id TEXT;

UPDATE feedback SET
    patient_hash = (SELECT c.patient_hash FROM issued_cards c WHERE c.card_uuid = feedback.card_uuid),
    rule_id = (SELECT c.rule_id FROM issued_cards c WHERE c.card_uuid = feedback.card_uuid);

CREATE INDEX IF NOT EXISTS ix_feedback_patient ON feedback (patient_hash, outcome_at);
