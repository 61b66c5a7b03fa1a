-- Collections (issue 6): payment plans with their invoices and installments, promises to
-- pay, settlement offers and manual holds. A debtor's collection state (active, paused,
-- in default, settled) is DERIVED from these rows and the payments; it is not stored.
-- Every change is also logged in the contact log (`events`) in the same transaction.

CREATE TABLE payment_plans (
    id                  INTEGER PRIMARY KEY,
    debtor_id           INTEGER NOT NULL REFERENCES debtors (id),
    currency            TEXT    NOT NULL CHECK (length(currency) = 3),
    method              TEXT    NOT NULL CHECK (method IN ('interest-free', 'annuity', 'equal-principal')),
    frequency           TEXT    NOT NULL CHECK (frequency IN ('monthly', 'fortnightly', 'weekly', 'custom')),
    rate                TEXT    NOT NULL DEFAULT '0.00',   -- annual rate in percent, decimal text
    remainder           TEXT    NOT NULL DEFAULT 'last' CHECK (remainder IN ('last', 'first')),
    owed_minor          INTEGER NOT NULL CHECK (owed_minor > 0),      -- open balance covered when agreed
    down_payment_minor  INTEGER NOT NULL DEFAULT 0 CHECK (down_payment_minor >= 0),
    total_minor         INTEGER NOT NULL CHECK (total_minor >= owed_minor), -- all installments
    interest_minor      INTEGER NOT NULL CHECK (interest_minor >= 0),
    grace_days          INTEGER NOT NULL DEFAULT 0 CHECK (grace_days >= 0),
    agreed_by           TEXT    NOT NULL,
    agreed_on           TEXT    NOT NULL,                  -- date: payments count from this day
    agreed_at           TEXT    NOT NULL,                  -- RFC 3339 UTC
    note                TEXT    NOT NULL DEFAULT '',
    -- The last status recorded in the contact log ('active' until default or completion
    -- is first seen); the live status is derived from payments.
    recorded_status     TEXT    NOT NULL DEFAULT 'active' CHECK (recorded_status IN ('active', 'defaulted', 'completed')),
    created_at          TEXT    NOT NULL
);
CREATE INDEX payment_plans_debtor ON payment_plans (debtor_id);

CREATE TABLE payment_plan_invoices (
    plan_id     INTEGER NOT NULL REFERENCES payment_plans (id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    open_minor  INTEGER NOT NULL CHECK (open_minor > 0),  -- its open balance when agreed
    PRIMARY KEY (plan_id, invoice_id)
);

CREATE TABLE plan_installments (
    plan_id              INTEGER NOT NULL REFERENCES payment_plans (id),
    n                    INTEGER NOT NULL CHECK (n >= 0),
    due_on               TEXT    NOT NULL,
    amount_minor         INTEGER NOT NULL CHECK (amount_minor > 0),
    principal_minor      INTEGER NOT NULL CHECK (principal_minor >= 0),
    interest_minor       INTEGER NOT NULL CHECK (interest_minor >= 0),
    balance_after_minor  INTEGER NOT NULL CHECK (balance_after_minor >= 0),
    PRIMARY KEY (plan_id, n)
);
CREATE INDEX plan_installments_due ON plan_installments (due_on);

CREATE TABLE promises (
    id            INTEGER PRIMARY KEY,
    debtor_id     INTEGER NOT NULL REFERENCES debtors (id),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0),
    made_on       TEXT    NOT NULL,
    due_on        TEXT    NOT NULL CHECK (due_on >= made_on),
    event_id      INTEGER REFERENCES events (id),         -- the contact (call, email) it was made in
    author        TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    -- The outcome once recorded in the contact log ('' while pending).
    recorded_outcome TEXT NOT NULL DEFAULT '' CHECK (recorded_outcome IN ('', 'kept', 'partly_kept', 'broken')),
    created_at    TEXT    NOT NULL
);
CREATE INDEX promises_debtor ON promises (debtor_id);

CREATE TABLE settlement_offers (
    id            INTEGER PRIMARY KEY,
    debtor_id     INTEGER NOT NULL REFERENCES debtors (id),
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    claim_minor   INTEGER NOT NULL CHECK (claim_minor > 0),     -- open balance covered when offered
    amount_minor  INTEGER NOT NULL CHECK (amount_minor > 0 AND amount_minor <= claim_minor),
    percent       TEXT    NOT NULL DEFAULT '',                  -- as offered, when a percentage
    mode          TEXT    NOT NULL DEFAULT 'one_off' CHECK (mode IN ('one_off', 'by_plan')),
    offered_on    TEXT    NOT NULL,
    deadline      TEXT    NOT NULL CHECK (deadline >= offered_on),
    offered_by    TEXT    NOT NULL DEFAULT '',
    note          TEXT    NOT NULL DEFAULT '',
    accepted_on   TEXT,
    accepted_by   TEXT    NOT NULL DEFAULT '',
    fulfilled_on  TEXT,                                          -- agreed amount paid; rest written off
    written_off_minor INTEGER,
    created_at    TEXT    NOT NULL
);
CREATE INDEX settlement_offers_debtor ON settlement_offers (debtor_id);

CREATE TABLE settlement_offer_invoices (
    offer_id    INTEGER NOT NULL REFERENCES settlement_offers (id),
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    PRIMARY KEY (offer_id, invoice_id)
);

CREATE TABLE collection_holds (
    id              INTEGER PRIMARY KEY,
    debtor_id       INTEGER NOT NULL REFERENCES debtors (id),
    reason          TEXT    NOT NULL CHECK (length(reason) > 0),
    from_on         TEXT    NOT NULL,
    until_on        TEXT    NOT NULL CHECK (until_on >= from_on),
    released_on     TEXT,
    release_reason  TEXT    NOT NULL DEFAULT '',
    created_by      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL
);
CREATE INDEX collection_holds_debtor ON collection_holds (debtor_id);
