-- CrampCds store: the issued-card log, feedback, and the JWT replay cache.
-- Portable SQL: the same file runs on SQLite and PostgreSQL. Times are Unix milliseconds (UTC).

CREATE TABLE IF NOT EXISTS issued_cards (
    card_uuid        TEXT    PRIMARY KEY,
    service_id       TEXT    NOT NULL,
    rule_id          TEXT    NOT NULL,
    content_version  TEXT    NOT NULL,
    indicator        TEXT    NOT NULL,
    hook_instance    TEXT    NOT NULL,
    patient_hash     TEXT    NOT NULL,
    suggestion_uuids TEXT    NOT NULL,
    issued_at        BIGINT  NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_issued_cards_issued_at ON issued_cards (issued_at);
CREATE INDEX IF NOT EXISTS ix_issued_cards_patient ON issued_cards (patient_hash, rule_id);

CREATE TABLE IF NOT EXISTS feedback (
    feedback_key         TEXT    PRIMARY KEY,
    card_uuid            TEXT    NOT NULL,
    service_id           TEXT    NOT NULL,
    outcome              TEXT    NOT NULL,
    accepted_suggestions TEXT    NOT NULL,
    reason_system        TEXT,
    reason_code          TEXT,
    reason_display       TEXT,
    user_comment         TEXT,
    outcome_at           BIGINT  NOT NULL,
    received_at          BIGINT  NOT NULL,
    card_known           INTEGER NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_feedback_card ON feedback (card_uuid);
CREATE INDEX IF NOT EXISTS ix_feedback_outcome_at ON feedback (outcome_at);

CREATE TABLE IF NOT EXISTS jwt_replay (
    issuer     TEXT   NOT NULL,
    jti        TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (issuer, jti)
);
