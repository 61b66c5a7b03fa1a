-- Dunning (issue 7): collection policies with their ladder of levels, which policy a
-- debtor follows, the outbox of dunning actions, and edited message templates.
--
-- The outbox is what makes a run exactly-once in practice: one row per (debtor, level,
-- cycle), UNIQUE, written as 'sending' (with its Message-ID and the message) BEFORE the
-- message leaves, and set to 'sent' or 'failed' after. A run that finds a 'sending' row
-- (the app stopped between the two) reconciles it and never sends it again.

CREATE TABLE dunning_policies (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
    created_at  TEXT    NOT NULL
);
-- At most one default policy.
CREATE UNIQUE INDEX dunning_policies_one_default ON dunning_policies (is_default) WHERE is_default = 1;

CREATE TABLE dunning_levels (
    id                 INTEGER PRIMARY KEY,
    policy_id          INTEGER NOT NULL REFERENCES dunning_policies (id) ON DELETE CASCADE,
    number             INTEGER NOT NULL CHECK (number > 0),
    name               TEXT    NOT NULL,
    trigger_days       INTEGER NOT NULL,               -- relative to the due date; negative = before
    min_open_minor     INTEGER CHECK (min_open_minor IS NULL OR min_open_minor >= 0),
    min_open_currency  TEXT    NOT NULL DEFAULT '',    -- the minimum applies to debtors in this currency
    audience           TEXT    NOT NULL DEFAULT 'all' CHECK (audience IN ('all', 'business', 'consumer')),
    channel            TEXT    NOT NULL CHECK (channel IN ('email', 'letter', 'call', 'fee', 'agency', 'legal')),
    template           TEXT    NOT NULL DEFAULT '',
    wait_days          INTEGER NOT NULL DEFAULT 0 CHECK (wait_days >= 0),
    deadline_days      INTEGER NOT NULL DEFAULT 0 CHECK (deadline_days >= 0),
    UNIQUE (policy_id, number)
);

-- Debtors without a row here follow the default policy.
CREATE TABLE debtor_dunning_policy (
    debtor_id  INTEGER PRIMARY KEY REFERENCES debtors (id),
    policy_id  INTEGER NOT NULL REFERENCES dunning_policies (id)
);

CREATE TABLE dunning_actions (
    id            INTEGER PRIMARY KEY,
    debtor_id     INTEGER NOT NULL REFERENCES debtors (id),
    level         INTEGER NOT NULL,
    cycle         INTEGER NOT NULL CHECK (cycle > 0),
    policy_id     INTEGER REFERENCES dunning_policies (id),
    level_name    TEXT    NOT NULL,
    channel       TEXT    NOT NULL CHECK (channel IN ('email', 'letter', 'call', 'fee', 'agency', 'legal')),
    state         TEXT    NOT NULL CHECK (state IN ('planned', 'sending', 'sent', 'failed', 'cancelled')),
    as_of         TEXT    NOT NULL,                    -- the run date that decided it
    currency      TEXT    NOT NULL CHECK (length(currency) = 3),
    amount_minor  INTEGER NOT NULL CHECK (amount_minor >= 0),
    deadline      TEXT,
    recipient     TEXT    NOT NULL DEFAULT '',
    subject       TEXT    NOT NULL DEFAULT '',
    message_id    TEXT    UNIQUE,
    error         TEXT    NOT NULL DEFAULT '',
    attempts      INTEGER NOT NULL DEFAULT 0,
    note          TEXT    NOT NULL DEFAULT '',
    done_at       TEXT,                                -- a call or legal task marked done
    created_at    TEXT    NOT NULL,
    updated_at    TEXT    NOT NULL,
    sent_at       TEXT,
    UNIQUE (debtor_id, level, cycle)
);
CREATE INDEX dunning_actions_state ON dunning_actions (state);

-- The invoices an action names, with the open balance it named.
CREATE TABLE dunning_action_invoices (
    action_id   INTEGER NOT NULL REFERENCES dunning_actions (id) ON DELETE CASCADE,
    invoice_id  INTEGER NOT NULL REFERENCES invoices (id),
    open_minor  INTEGER NOT NULL,
    PRIMARY KEY (action_id, invoice_id)
);
CREATE INDEX dunning_action_invoices_invoice ON dunning_action_invoices (invoice_id);

-- Templates edited by the user; a key/language without a row uses the shipped text.
CREATE TABLE dunning_templates (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL CHECK (length(trim(key)) > 0),
    language    TEXT NOT NULL CHECK (length(trim(language)) > 0),
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (key, language)
);

-- The default policy a fresh database starts with.
INSERT INTO dunning_policies (id, name, is_default, created_at) VALUES (1, 'Standard', 1, '2026-01-01T00:00:00Z');
INSERT INTO dunning_levels (policy_id, number, name, trigger_days, channel, template, wait_days, deadline_days) VALUES
    (1, 1, 'Friendly reminder', -3, 'email', 'friendly_reminder', 0, 0),
    (1, 2, 'Reminder',            7, 'email', 'reminder',          7, 0),
    (1, 3, 'Second reminder',    21, 'email', 'second_reminder',   7, 0),
    (1, 4, 'Final demand',       35, 'email', 'final_demand',     10, 10),
    (1, 5, 'Call',               45, 'call',  '',                  7, 0),
    (1, 6, 'Legal review',       60, 'legal', '',                  0, 0);
