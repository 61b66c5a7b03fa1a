-- Credit policy: the payment score's history (so a trend can be shown), each debtor's
-- current score and alerts (what the risk column sorts by), and the owner's own inputs
-- (external rating, trade references, notes), kept beside the computed score, never mixed
-- into it.

CREATE TABLE score_history (
    debtor_id     BIGINT NOT NULL REFERENCES debtors (id),
    as_of         DATE    NOT NULL,            -- the date the score describes
    score         BIGINT CHECK (score IS NULL OR score BETWEEN 1 AND 100),  -- NULL = "UN"
    weighted_dbt  TEXT,                        -- decimal string, days beyond terms
    experiences   BIGINT NOT NULL CHECK (experiences >= 0),
    computed_at   TIMESTAMPTZ    NOT NULL,
    PRIMARY KEY (debtor_id, as_of)
);

CREATE TABLE debtor_risk (
    debtor_id       BIGINT PRIMARY KEY REFERENCES debtors (id),
    as_of           DATE    NOT NULL,
    score           BIGINT,
    previous_score  BIGINT,
    flags           TEXT    NOT NULL DEFAULT '',  -- comma-separated: over_limit, past_tolerance, score_dropped
    reasons         TEXT    NOT NULL DEFAULT '[]', -- JSON array of sentences
    rank            BIGINT NOT NULL,
    updated_at      TIMESTAMPTZ    NOT NULL
);
CREATE INDEX debtor_risk_rank ON debtor_risk (rank);

CREATE TABLE debtor_credit (
    debtor_id         BIGINT PRIMARY KEY REFERENCES debtors (id),
    policy            TEXT,                    -- JSON credit policy; NULL = the default in settings
    external_rating   TEXT NOT NULL DEFAULT '',
    trade_references  TEXT NOT NULL DEFAULT '',
    notes             TEXT NOT NULL DEFAULT '',
    updated_at        TIMESTAMPTZ NOT NULL
);
